#include "apply/executor.hpp"

#include <mutex>
#include <set>

#include "apply/intents.hpp"
#include "model/digest.hpp"
#include "model/projection.hpp"
#include "plan/diff.hpp"

namespace rtk::apply {
namespace {

using plan::Operation;
using plan::OpKind;

// Shared by the workers of one apply.
struct Run {
  api::Client& client;
  state::Store& store;
  const ApplyOptions& options;
  const std::function<void(const OpResult&)>& on_result;
  std::mutex mu;
  ApplyReport report;

  void record(OpResult r) {
    std::lock_guard lock(mu);
    switch (r.outcome) {
      case Outcome::Done:
        ++report.done;
        break;
      case Outcome::Failed:
        ++report.failed;
        break;
      case Outcome::Skipped:
        ++report.skipped;
        break;
    }
    if (on_result) on_result(r);
    report.results.push_back(std::move(r));
  }
  void warn(std::string w) {
    std::lock_guard lock(mu);
    report.warnings.push_back(std::move(w));
  }
  void keep_token(const std::string& key, const std::string& cpid, const json& data) {
    if (!data.is_object() || !data.contains("token")) return;
    std::lock_guard lock(mu);
    report.tokens[key][cpid] = data["token"].get<std::string>();
  }
  void journal(const std::function<void(state::State&)>& fn) {
    auto saved = store.update(fn);
    if (!saved) warn("could not write the state file: " + saved.error().message);
  }
};

// A meeting's work: returns the meeting id after its meeting-level operations.
class MeetingRun {
 public:
  MeetingRun(Run& run, const plan::MeetingPlan& mp) : run_(run), mp_(mp), id_(mp.id) {}

  void go() {
    bool broken = false;
    for (const auto& op : mp_.ops) {
      if (!plan::is_meeting_op(op.kind)) continue;
      if (broken) {
        skip(op, "an earlier operation on this meeting failed");
        continue;
      }
      broken = !meeting_op(op);
    }
    std::vector<const Operation*> people;
    for (const auto& op : mp_.ops) {
      if (!plan::is_meeting_op(op.kind)) people.push_back(&op);
    }
    if (id_.empty()) {
      for (const auto* op : people) skip(*op, "the meeting was not created");
      return;
    }
    api::parallel_for(people.size(), run_.options.parallelism,
                      [&](size_t i) { participant_op(*people[i]); });
    read_back();
  }

 private:
  void skip(const Operation& op, const std::string& why) {
    run_.record({mp_.key, describe(op), Outcome::Skipped, why});
  }
  void fail(const Operation& op, const std::string& why) {
    run_.record({mp_.key, describe(op), Outcome::Failed, why});
  }
  void done(const Operation& op) {
    std::lock_guard lock(done_mu_);
    done_ops_.push_back(&op);
    run_.record({mp_.key, describe(op), Outcome::Done, ""});
  }

  std::optional<json> resolved_body(const Operation& op) {
    auto body = config::resolve_all(op.body, run_.options.root, run_.options.env);
    if (!body) {
      fail(op, body.error().message);
      return std::nullopt;
    }
    return std::move(body).value();
  }

  bool meeting_op(const Operation& op) {
    auto body = resolved_body(op);
    if (!body) return false;
    if (op.kind == OpKind::CreateMeeting) return create(op, *body);
    api::ApiResult<json> r = op.kind == OpKind::ReplaceMeeting
                                 ? run_.client.put_meeting(id_, *body)
                                 : run_.client.patch_meeting(id_, *body);
    if (!r) {
      fail(op, r.error().message());
      return false;
    }
    run_.journal([&](state::State& s) {
      auto& ms = s.meetings[mp_.key];
      ms.remember(*r);
      ms.record_sent(s.salt, op.body, *body, op.kind == OpKind::ReplaceMeeting);
      ms.deactivated = op.kind == OpKind::DeactivateMeeting;
    });
    done(op);
    return true;
  }

  bool create(const Operation& op, const json& body) {
    state::CreateIntent intent{mp_.key, body.value("title", ""), state::now_iso()};
    run_.journal([&](state::State& s) { s.intents.push_back(intent); });
    auto r = run_.client.create_meeting(body);
    json object;
    if (r) {
      object = *r;
    } else if (r.error().kind == api::ApiError::Kind::OutcomeUnknown) {
      auto found = resolve_intent(run_.client, run_.store.snapshot(), intent);
      if (found && !found->meeting_id.empty()) {
        object = found->object;
        run_.warn("meeting " + mp_.key +
                  ": the create's answer was lost; found the meeting it "
                  "made (id " +
                  found->meeting_id + ") and bound it");
      } else {
        fail(op, r.error().message() +
                     "; no meeting with this title appeared, so it will be "
                     "created on the next run");
        run_.journal([&](state::State& s) { s.drop_intent(mp_.key); });
        return false;
      }
    } else {
      run_.journal([&](state::State& s) { s.drop_intent(mp_.key); });
      fail(op, r.error().message());
      return false;
    }
    id_ = object.value("id", "");
    run_.journal([&](state::State& s) {
      auto& ms = s.meetings[mp_.key];
      ms.id = id_;
      ms.remember(object);
      ms.record_sent(s.salt, op.body, body, true);
      s.drop_intent(mp_.key);
    });
    done(op);
    return true;
  }

  void participant_op(const Operation& op) {
    switch (op.kind) {
      case OpKind::AddParticipant: {
        auto body = resolved_body(op);
        if (!body) return;
        auto r = run_.client.add_participant(id_, *body);
        if (!r &&
            (r.error().kind == api::ApiError::Kind::OutcomeUnknown || r.error().status == 409)) {
          if (exists(op.participant)) {  // it was added after all
            rotation(op);
            done(op);
            return;
          }
        }
        if (!r) return fail(op, r.error().message());
        run_.keep_token(mp_.key, op.participant, *r);
        rotation(op);
        return done(op);
      }
      case OpKind::EditParticipant: {
        auto body = resolved_body(op);
        if (!body) return;
        auto r = run_.client.edit_participant(id_, op.participant_id, *body);
        if (!r) return fail(op, r.error().message());
        run_.keep_token(mp_.key, op.participant, *r);
        return done(op);
      }
      case OpKind::RemoveParticipant: {
        auto r = run_.client.delete_participant(id_, op.participant_id);
        if (!r && !r.error().not_found()) return fail(op, r.error().message());
        return done(op);
      }
      case OpKind::RotateToken: {
        auto r = run_.client.refresh_token(id_, op.participant_id);
        if (!r) return fail(op, r.error().message());
        run_.keep_token(mp_.key, op.participant, *r);
        rotation(op);
        return done(op);
      }
      default:
        return;
    }
  }

  bool exists(const std::string& cpid) {
    auto people = run_.client.list_participants(id_);
    if (!people) return false;
    for (const auto& p : *people) {
      if (p.value("custom_participant_id", "") == cpid) return true;
    }
    return false;
  }

  void rotation(const Operation& op) {
    if (op.token_rotation <= 0) return;
    run_.journal([&](state::State& s) {
      s.meetings[mp_.key].token_rotations[op.participant] = op.token_rotation;
    });
  }

  // Reads back what changed and warns where the API holds something other than was sent.
  void read_back() {
    if (done_ops_.empty()) return;
    auto meeting = run_.client.get_meeting(id_);
    if (!meeting) {
      run_.warn("meeting " + mp_.key + ": read-back failed: " + meeting.error().message());
      return;
    }
    run_.journal([&](state::State& s) { s.meetings[mp_.key].remember(*meeting); });
    std::optional<std::vector<json>> people;
    for (const auto* op : done_ops_) {
      if (plan::is_meeting_op(op->kind)) {
        compare(model::Resource::Meeting, *op, *meeting);
        continue;
      }
      if (op->kind != OpKind::AddParticipant && op->kind != OpKind::EditParticipant) continue;
      if (!people) {
        auto listed = run_.client.list_participants(id_);
        if (!listed) return;
        people = std::move(listed).value();
      }
      for (const auto& p : *people) {
        if (p.value("custom_participant_id", "") == op->participant)
          compare(model::Resource::Participant, *op, p);
      }
    }
  }

  void compare(model::Resource r, const Operation& op, const json& actual) {
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

  Run& run_;
  const plan::MeetingPlan& mp_;
  std::string id_;
  std::mutex done_mu_;
  std::vector<const Operation*> done_ops_;
};

}  // namespace

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::Done:
      return "done";
    case Outcome::Failed:
      return "failed";
    case Outcome::Skipped:
      return "skipped";
  }
  return "?";
}

std::string describe(const Operation& op) {
  switch (op.kind) {
    case OpKind::CreateMeeting:
      return "create meeting";
    case OpKind::UpdateMeeting:
      return "update meeting (PATCH)";
    case OpKind::ReplaceMeeting:
      return "replace meeting (PUT)";
    case OpKind::DeactivateMeeting:
      return "deactivate meeting";
    case OpKind::AddParticipant:
      return "add participant " + op.participant;
    case OpKind::EditParticipant:
      return "edit participant " + op.participant;
    case OpKind::RemoveParticipant:
      return "remove participant " + op.participant;
    case OpKind::RotateToken:
      return "rotate token of " + op.participant;
  }
  return "?";
}

ApplyReport execute(const plan::Plan& plan, api::Client& client, state::Store& store,
                    const ApplyOptions& options,
                    const std::function<void(const OpResult&)>& on_result) {
  Run run{client, store, options, on_result, {}, {}};
  api::parallel_for(plan.meetings.size(), options.parallelism, [&](size_t i) {
    if (plan.meetings[i].ops.empty()) return;
    MeetingRun(run, plan.meetings[i]).go();
  });
  return std::move(run.report);
}

}  // namespace rtk::apply
