#include "apply/meeting_work.hpp"

#include <map>

#include "apply/intents.hpp"
#include "model/create_marker.hpp"
#include "model/digest.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "plan/diff.hpp"

namespace rtk::apply {
namespace {

using plan::Operation;
using plan::OpKind;

bool issues_token(OpKind k) {
  return k == OpKind::AddParticipant || k == OpKind::EditParticipant || k == OpKind::RotateToken;
}

void remember_or_forget(state::MeetingState& ms, const json& object) {
  if (object.is_object()) return ms.remember(object);
  ms.updated_at.clear();  // unknown: the next plan reads it again
  ms.object = json::object();
}

}  // namespace

MeetingWork::MeetingWork(Run& run, const plan::MeetingPlan& mp) : run_(run), mp_(mp), id_(mp.id) {
  std::map<std::string, size_t> index;
  for (const auto& op : mp_.ops) {
    if (plan::is_meeting_op(op.kind)) continue;
    auto [it, added] = index.emplace(op.participant, participants_.size());
    if (added) participants_.emplace_back();
    participants_[it->second].push_back(&op);
    if (issues_token(op.kind) && run_.options.tokens != nullptr) {
      token_cpids_.push_back(op.participant);
    }
  }
}

void MeetingWork::run_meeting_ops() {
  Ops ops;
  for (const auto& op : mp_.ops) {
    if (plan::is_meeting_op(op.kind)) ops.push_back(&op);
  }
  // An existing meeting's participants do not wait for its own changes.
  if (!id_.empty()) start_participants();
  for (size_t i = 0; i < ops.size(); ++i) {
    const Operation& op = *ops[i];
    if (!run_.may_mutate()) {
      run_.skip_all(mp_.key, Ops(ops.begin() + static_cast<long>(i), ops.end()),
                    run_.stopped_because());
      break;
    }
    bool ok = false;
    if (op.kind == OpKind::CreateMeeting) {
      // The request that removes the create marker also sets the status the plan asks for.
      const Operation* status =
          i + 1 < ops.size() && ops[i + 1]->kind == OpKind::UpdateMeeting ? ops[i + 1] : nullptr;
      ok = create(op, status);
      if (status != nullptr) ++i;
      if (!id_.empty()) start_participants();
    } else {
      ok = update(op);
    }
    if (!ok) {
      run_.skip_all(mp_.key, Ops(ops.begin() + static_cast<long>(i) + 1, ops.end()),
                    "an earlier operation on this meeting failed");
      break;
    }
  }
  if (id_.empty()) {
    for (const auto& ops_of_one : participants_) {
      run_.skip_all(mp_.key, ops_of_one, "the meeting was not created");
    }
  }
}

void MeetingWork::start_participants() {
  if (participants_.empty()) return;
  if (!token_cpids_.empty() && !mp_.id.empty() && !mark_pending_tokens()) return;
  auto self = shared_from_this();
  for (size_t i = 0; i < participants_.size(); ++i) {
    run_.pool.add([self, i] { self->run_participant(self->participants_[i]); });
  }
}

// Before tokens are issued, the state says they are not yet delivered; each is cleared as
// it is written. A run that dies in between leaves the mark, and the next apply rotates.
bool MeetingWork::mark_pending_tokens() {
  auto marked = run_.store.update(mp_.key, [&](state::MeetingState& ms) {
    ms.undelivered_tokens.insert(token_cpids_.begin(), token_cpids_.end());
  });
  if (marked) return true;
  for (const auto& ops_of_one : participants_) {
    run_.skip_all(
        mp_.key, ops_of_one,
        "the state could not record the tokens about to be issued: " + marked.error().message);
  }
  return false;
}

bool MeetingWork::create(const Operation& op, const Operation* status_op) {
  auto body = run_.resolved_body(mp_.key, op);
  if (!body) return false;
  const std::string title = model::string_at(*body, "title");
  const state::CreateIntent intent{.key = mp_.key,
                                   .nonce = model::new_create_nonce(),
                                   .title = model::string_at(op.body, "title"),
                                   .started_at = state::now_iso()};
  auto journaled = run_.store.add_intent(intent);
  if (!journaled) {
    run_.finish(
        mp_.key, op, Outcome::Failed,
        "not sent: the state could not record the create first: " + journaled.error().message);
    return false;
  }
  json sent = *body;
  sent["title"] = model::marked_title(title, intent.nonce);
  auto made = made_by(intent, run_.api.create_meeting(sent), op);
  if (!made) return false;
  id_ = made->value("id", "");
  const std::string salt = run_.store.salt();
  auto bound = run_.store.bind_created(mp_.key, [&](state::MeetingState& ms) {
    ms.id = id_;
    ms.remember(*made);
    ms.record_sent(salt, op.body, *body, /*replaces=*/true);
    ms.undelivered_tokens.insert(token_cpids_.begin(), token_cpids_.end());
  });
  run_.succeeded(mp_.key, op, bound);
  if (bound) {
    remove_marker(title, status_op);
  } else if (status_op != nullptr) {
    run_.finish(mp_.key, *status_op, Outcome::Skipped, run_.stopped_because());
  }
  return true;
}

// The meeting a create made: its answer, or when that is lost or unreadable, the meeting
// carrying the intent's marker. nullopt (with the operation failed) when unknown or refused.
std::optional<json> MeetingWork::made_by(const state::CreateIntent& intent,
                                         const api::ApiResult<json>& answer, const Operation& op) {
  if (answer && answer->is_object() && answer->contains("id")) return *answer;
  if (!answer && answer.error().kind != api::ApiError::Kind::OutcomeUnknown) {
    // Refused: nothing was made. Should dropping the intent fail, the next run looks for a
    // meeting with its marker, finds none and drops it then.
    (void)run_.store.drop_intent(mp_.key);
    run_.finish(mp_.key, op, Outcome::Failed, answer.error().message());
    return std::nullopt;
  }
  const std::string why =
      answer ? "the create succeeded without saying what it made" : answer.error().message();
  auto found = find_created(run_.api, intent);
  if (found && *found) {
    run_.warn("meeting " + mp_.key + ": " + why + "; found the meeting it made by its marker (id " +
              (**found).value("id", "") + ") and bound it");
    return **found;
  }
  run_.finish(mp_.key, op, Outcome::Failed,
              why + "; " +
                  (found ? "no meeting carries its marker yet"
                         : "looking for it failed (" + found.error().message() + ")") +
                  ". The intent stays in the state: the next run looks again before creating "
                  "anything");
  return std::nullopt;
}

void MeetingWork::remove_marker(const std::string& title, const Operation* status_op) {
  Operation fix{.kind = OpKind::UpdateMeeting, .body = json{{"title", title}}};
  if (status_op != nullptr) fix.body.update(status_op->body);
  auto r = run_.api.patch_meeting(id_, fix.body);
  const Operation& reported = status_op != nullptr ? *status_op : fix;
  if (!r) {
    run_.finish(mp_.key, reported, Outcome::Failed,
                "the title still carries the create marker (the next apply sets it): " +
                    r.error().message());
    return;
  }
  const json now = read_back(*r);
  if (status_op != nullptr && now.is_object()) compare(model::Resource::Meeting, *status_op, now);
  auto journaled =
      run_.store.update(mp_.key, [&](state::MeetingState& ms) { remember_or_forget(ms, now); });
  if (status_op != nullptr) run_.succeeded(mp_.key, *status_op, journaled);
}

bool MeetingWork::update(const Operation& op) {
  auto body = run_.resolved_body(mp_.key, op);
  if (!body) return false;
  auto r = op.kind == OpKind::ReplaceMeeting ? run_.api.put_meeting(id_, *body)
                                             : run_.api.patch_meeting(id_, *body);
  if (!r) {
    run_.finish(mp_.key, op, Outcome::Failed, r.error().message());
    return false;
  }
  const json now = read_back(*r);
  if (now.is_object()) compare(model::Resource::Meeting, op, now);
  const std::string salt = run_.store.salt();
  auto journaled = run_.store.update(mp_.key, [&](state::MeetingState& ms) {
    remember_or_forget(ms, now);
    ms.record_sent(salt, op.body, *body, /*replaces=*/op.kind == OpKind::ReplaceMeeting);
    ms.deactivated = op.kind == OpKind::DeactivateMeeting;
  });
  run_.succeeded(mp_.key, op, journaled);
  return true;
}

// What the server holds after a write: its answer, or a GET when the answer has no data.
json MeetingWork::read_back(const json& answer) {
  if (answer.is_object() && answer.contains("id")) return answer;
  auto got = run_.api.get_meeting(id_);
  if (got && got->is_object()) return *got;
  run_.warn("meeting " + mp_.key + ": the answer carried no meeting and reading it back failed" +
            (got ? std::string() : ": " + got.error().message()) +
            "; the next plan reads it again");
  return json();
}

void MeetingWork::compare(model::Resource r, const Operation& op, const json& actual) {
  for (const auto& c : op.changes) {
    const model::Field* f = model::find_field(r, c.path);
    if (f == nullptr || c.sensitive || c.after.is_null() || f->has(model::kWriteOnly)) continue;
    const json* now = model::get_path(actual, c.path);
    if (plan::same_value(*f, c.after, now)) continue;
    std::string who = r == model::Resource::Meeting ? "" : " participant " + op.participant;
    run_.warn("meeting " + mp_.key + who + ": " + c.path + " was set to " + c.after.dump() +
              " but the API reports " + (now != nullptr ? now->dump() : std::string("nothing")) +
              " (clamped or ignored by the server?); the next plan will show it as drift");
  }
}

}  // namespace rtk::apply
