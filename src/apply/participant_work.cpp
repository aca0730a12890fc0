// The participant half of apply/meeting_work: one task per participant runs its operations in
// plan order, and every join token goes to the tokens sink the moment it arrives.
#include "apply/meeting_work.hpp"

namespace rtk::apply {
namespace {

using plan::Operation;
using plan::OpKind;

}  // namespace

void MeetingWork::run_participant(const Ops& ops) {
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!run_.may_mutate()) {
      run_.skip_all(mp_.key, Ops(ops.begin() + static_cast<long>(i), ops.end()),
                    run_.stopped_because());
      return;
    }
    if (!participant_op(*ops[i])) {
      run_.skip_all(mp_.key, Ops(ops.begin() + static_cast<long>(i) + 1, ops.end()),
                    "an earlier operation on this participant failed");
      return;
    }
  }
}

bool MeetingWork::participant_op(const Operation& op) {
  switch (op.kind) {
    case OpKind::AddParticipant:
      return add(op);
    case OpKind::EditParticipant:
      return edit(op);
    case OpKind::RemoveParticipant:
      return remove(op);
    case OpKind::RotateToken:
      return rotate(op);
    default:
      return false;
  }
}

bool MeetingWork::add(const Operation& op) {
  auto body = run_.resolved_body(mp_.key, op);
  if (!body) return false;
  auto r = run_.api.add_participant(id_, *body);
  if (r) {
    if (r->is_object()) compare(model::Resource::Participant, op, *r);
    delivered(op, *r);
    return true;
  }
  const bool unknown = r.error().kind == api::ApiError::Kind::OutcomeUnknown;
  if (!unknown && r.error().status != 409) {
    run_.finish(mp_.key, op, Outcome::Failed, r.error().message());
    return false;
  }
  // Never sent again: look whether it was added after all. Its token is lost with the answer,
  // so it stays undelivered and the next apply rotates it.
  if (!exists(op.participant)) {
    run_.finish(mp_.key, op, Outcome::Failed,
                r.error().message() + "; the participant is not there, so the next run adds it");
    return false;
  }
  delivered(op, json());
  return true;
}

bool MeetingWork::edit(const Operation& op) {
  auto body = run_.resolved_body(mp_.key, op);
  if (!body) return false;
  auto r = run_.api.edit_participant(id_, op.participant_id, *body);
  if (!r) {
    run_.finish(mp_.key, op, Outcome::Failed, r.error().message());
    return false;
  }
  if (r->is_object()) compare(model::Resource::Participant, op, *r);
  delivered(op, *r);
  return true;
}

bool MeetingWork::remove(const Operation& op) {
  auto r = run_.api.delete_participant(id_, op.participant_id);
  if (!r && !r.error().not_found()) {
    run_.finish(mp_.key, op, Outcome::Failed, r.error().message());
    return false;
  }
  auto journaled = run_.store.update(mp_.key, [&](state::MeetingState& ms) {
    ms.undelivered_tokens.erase(op.participant);
    ms.token_rotations.erase(op.participant);
  });
  run_.succeeded(mp_.key, op, journaled);
  return true;
}

bool MeetingWork::rotate(const Operation& op) {
  if (op.redeliver && run_.options.tokens == nullptr) {
    // Rotating only to lose the new token too would churn on every apply.
    run_.finish(mp_.key, op, Outcome::Skipped,
                "its token would not be kept either: pass --tokens-out FILE to deliver it");
    return true;
  }
  auto r = run_.api.refresh_token(id_, op.participant_id);
  if (!r) {
    run_.finish(mp_.key, op, Outcome::Failed, r.error().message());
    return false;
  }
  delivered(op, *r);
  return true;
}

// An operation that issues a token succeeded: the token goes to the sink, then the state
// records the rotation and that the token was delivered.
void MeetingWork::delivered(const Operation& op, const json& answer) {
  const std::string token =
      answer.is_object() && answer.contains("token") && answer["token"].is_string()
          ? answer["token"].get<std::string>()
          : "";
  bool kept = false;
  if (!token.empty()) {
    kept = run_.deliver(IssuedToken{.meeting_key = mp_.key,
                                    .meeting_id = id_,
                                    .custom_participant_id = op.participant,
                                    .participant_id = answer.value("id", op.participant_id),
                                    .token = token});
  } else if (run_.options.tokens != nullptr) {
    run_.token_undelivered();
  }
  const bool tokens_wanted = run_.options.tokens != nullptr;
  if (op.token_rotation > 0 || (tokens_wanted && kept)) {
    auto journaled = run_.store.update(mp_.key, [&](state::MeetingState& ms) {
      if (op.token_rotation > 0) ms.token_rotations[op.participant] = op.token_rotation;
      if (kept) ms.undelivered_tokens.erase(op.participant);
    });
    if (!journaled) {
      run_.succeeded(mp_.key, op, journaled);
      return;
    }
  }
  if (tokens_wanted && !token.empty() && !kept) {
    run_.finish(mp_.key, op, Outcome::Unrecorded,
                "done, but its join token could not be written; the next apply rotates it");
    return;
  }
  run_.finish(mp_.key, op, Outcome::Done);
}

bool MeetingWork::exists(const std::string& cpid) {
  auto people = run_.api.list_participants(id_);
  if (!people) return false;
  for (const auto& p : *people) {
    if (p.value("custom_participant_id", "") == cpid) return true;
  }
  return false;
}

}  // namespace rtk::apply
