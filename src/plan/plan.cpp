#include "plan/plan.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/digest.hpp"

namespace rtk::plan {

std::string to_string(OpKind k) {
  switch (k) {
    case OpKind::CreateMeeting:
      return "create_meeting";
    case OpKind::UpdateMeeting:
      return "update_meeting";
    case OpKind::ReplaceMeeting:
      return "replace_meeting";
    case OpKind::DeactivateMeeting:
      return "deactivate_meeting";
    case OpKind::AddParticipant:
      return "add_participant";
    case OpKind::EditParticipant:
      return "edit_participant";
    case OpKind::RemoveParticipant:
      return "remove_participant";
    case OpKind::RotateToken:
      return "rotate_token";
  }
  return "?";
}

OpKind op_kind_from_string(const std::string& s) {
  for (auto k : {OpKind::CreateMeeting, OpKind::UpdateMeeting, OpKind::ReplaceMeeting,
                 OpKind::DeactivateMeeting, OpKind::AddParticipant, OpKind::EditParticipant,
                 OpKind::RemoveParticipant, OpKind::RotateToken}) {
    if (to_string(k) == s) return k;
  }
  throw std::invalid_argument("unknown operation kind " + s);
}

std::string http_method(OpKind k) {
  switch (k) {
    case OpKind::CreateMeeting:
    case OpKind::AddParticipant:
    case OpKind::RotateToken:
      return "POST";
    case OpKind::ReplaceMeeting:
      return "PUT";
    case OpKind::RemoveParticipant:
      return "DELETE";
    default:
      return "PATCH";
  }
}

bool is_meeting_op(OpKind k) {
  return k == OpKind::CreateMeeting || k == OpKind::UpdateMeeting || k == OpKind::ReplaceMeeting ||
         k == OpKind::DeactivateMeeting;
}

std::string to_string(MeetingAction a) {
  switch (a) {
    case MeetingAction::None:
      return "none";
    case MeetingAction::Create:
      return "create";
    case MeetingAction::Update:
      return "update";
    case MeetingAction::Replace:
      return "replace";
    case MeetingAction::Deactivate:
      return "deactivate";
  }
  return "?";
}

Counts count_operations(const std::vector<MeetingPlan>& meetings) {
  Counts c;
  for (const auto& mp : meetings) {
    switch (mp.action) {
      case MeetingAction::Create:
        ++c.create;
        break;
      case MeetingAction::Update:
        ++c.update;
        break;
      case MeetingAction::Replace:
        ++c.replace;
        break;
      case MeetingAction::Deactivate:
        ++c.deactivate;
        break;
      case MeetingAction::None:
        break;
    }
    for (const auto& op : mp.ops) {
      if (op.kind == OpKind::AddParticipant) ++c.add;
      if (op.kind == OpKind::EditParticipant) ++c.edit;
      if (op.kind == OpKind::RemoveParticipant) ++c.remove;
      if (op.kind == OpKind::RotateToken) ++c.rotate;
    }
  }
  return c;
}

std::string object_digest(const std::string& salt, const std::string& meeting_id,
                          const json& object) {
  return model::secret_digest(salt, "meeting " + meeting_id, object.dump());
}

std::string participants_digest(const std::vector<json>& participants) {
  std::vector<std::string> rows;
  rows.reserve(participants.size());
  for (const auto& p : participants) {
    json row = json::object();
    for (const char* k :
         {"id", "custom_participant_id", "preset_name", "name", "picture", "updated_at"}) {
      if (p.contains(k)) row[k] = p[k];
    }
    rows.push_back(row.dump());
  }
  std::sort(rows.begin(), rows.end());
  std::string all;
  for (const auto& r : rows) all += r + "\n";
  return model::sha256_hex(all);
}

}  // namespace rtk::plan
