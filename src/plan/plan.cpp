#include "plan/plan.hpp"

#include <algorithm>
#include <array>

#include "model/digest.hpp"
#include "model/enum_traits.hpp"
#include "model/field_table.hpp"

namespace rtk::plan {

namespace {

using K = OpKind;
constexpr std::array<OpKindTraits, 8> kOpKinds{{
    {K::CreateMeeting, "create_meeting", "POST", true, "+", "create meeting", 2},
    {K::UpdateMeeting, "update_meeting", "PATCH", true, "~", "update meeting (PATCH)", 1},
    {K::ReplaceMeeting, "replace_meeting", "PUT", true, "±", "replace meeting (PUT)", 1},
    {K::DeactivateMeeting, "deactivate_meeting", "PATCH", true, "-", "deactivate meeting", 1},
    {K::AddParticipant, "add_participant", "POST", false, "+", "add participant", 1},
    {K::EditParticipant, "edit_participant", "PATCH", false, "~", "edit participant", 1},
    {K::RemoveParticipant, "remove_participant", "DELETE", false, "-", "remove participant", 1},
    {K::RotateToken, "rotate_token", "POST", false, "↻", "rotate token of", 1},
}};

using A = MeetingAction;
constexpr std::array<MeetingActionTraits, 5> kMeetingActions{{
    {A::None, "none", "~"},
    {A::Create, "create", "+"},
    {A::Update, "update", "~"},
    {A::Replace, "replace", "±"},
    {A::Deactivate, "deactivate", "-"},
}};

}  // namespace

const OpKindTraits& traits(OpKind k) {
  return model::traits_of(kOpKinds, k);
}

std::string to_string(OpKind k) {
  return std::string(traits(k).name);
}

std::optional<OpKind> parse_op_kind(std::string_view name) {
  return model::parse_enum(kOpKinds, name);
}

std::string http_method(OpKind k) {
  return std::string(traits(k).method);
}

bool is_meeting_op(OpKind k) {
  return traits(k).meeting;
}

const MeetingActionTraits& traits(MeetingAction a) {
  return model::traits_of(kMeetingActions, a);
}

std::string to_string(MeetingAction a) {
  return std::string(traits(a).name);
}

std::optional<MeetingAction> parse_meeting_action(std::string_view name) {
  return model::parse_enum(kMeetingActions, name);
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
    json row = json::object();  // the fields a participant list shows (the table's summary)
    for (const auto& f : model::fields(model::Resource::Participant)) {
      const std::string k(f.path);
      if (f.has(model::kSummary) && p.contains(k)) row[k] = p[k];
    }
    rows.push_back(row.dump());
  }
  std::sort(rows.begin(), rows.end());
  std::string all;
  for (const auto& r : rows) all += r + "\n";
  return model::sha256_hex(all);
}

}  // namespace rtk::plan
