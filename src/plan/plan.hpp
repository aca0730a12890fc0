// plan/plan: the plan as data: per meeting, the ordered operations apply will run, each with
// its request body (secrets only as ${env:...} references) and field-level changes for
// renderers. Also the errors that forbid applying, the warnings, and fingerprints of what
// was observed, so a saved plan can refuse to run against a world that moved.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/json_path.hpp"

namespace rtk::plan {

using json = nlohmann::json;

enum class OpKind {
  CreateMeeting,      // POST /meetings
  UpdateMeeting,      // PATCH /meetings/{id}
  ReplaceMeeting,     // PUT /meetings/{id}
  DeactivateMeeting,  // PATCH /meetings/{id} {status: INACTIVE}
  AddParticipant,     // POST .../participants
  EditParticipant,    // PATCH .../participants/{pid}
  RemoveParticipant,  // DELETE .../participants/{pid}
  RotateToken,        // POST .../participants/{pid}/token
};

// Everything said about an operation kind, in one row per kind (plan.cpp).
struct OpKindTraits {
  OpKind value;
  std::string_view name;     // in JSON and plan files
  std::string_view method;   // HTTP method
  bool meeting;              // a meeting-level operation (else a participant's)
  std::string_view symbol;   // in text plans: + ~ ± - ↻
  std::string_view summary;  // in apply's progress ("create meeting", "add participant")
  int calls;                 // requests applying it makes (a create: its POST and marker PATCH)
};
const OpKindTraits& traits(OpKind k);
std::string to_string(OpKind k);
std::optional<OpKind> parse_op_kind(std::string_view name);
std::string http_method(OpKind k);
bool is_meeting_op(OpKind k);

struct FieldChange {
  std::string path;        // dotted field path
  json before;             // null when absent; "(sensitive)" (never the value) for secrets
  json after;              // null when removed; the reference text when it came from one
  bool sensitive = false;  // a secret field or a value that came from a reference
  std::string reference;   // the ${env:...}/${file:...} text the new value comes from
};

struct Operation {
  OpKind kind = OpKind::UpdateMeeting;
  std::string participant;     // custom_participant_id, for participant operations
  std::string participant_id;  // server id (edit, remove, rotate)
  json body = json::object();  // request body; references, never resolved secrets
  std::vector<FieldChange> changes;
  long token_rotation = 0;  // recorded in the state after add/rotate
  // A rotation because the participant's last token was issued but never delivered.
  bool redeliver = false;
};

enum class MeetingAction { None, Create, Update, Replace, Deactivate };
struct MeetingActionTraits {
  MeetingAction value;
  std::string_view name;    // in JSON and plan files
  std::string_view symbol;  // in text and markdown plans
};
const MeetingActionTraits& traits(MeetingAction a);
std::string to_string(MeetingAction a);
std::optional<MeetingAction> parse_meeting_action(std::string_view name);

struct MeetingPlan {
  std::string key;
  std::string id;  // empty for a create
  std::string title;
  MeetingAction action = MeetingAction::None;
  std::vector<Operation> ops;  // in the order apply must run them
  std::vector<std::string> notes;
};

struct Fingerprint {
  std::string meeting_id;
  std::string updated_at;
  std::string participants_digest;  // "" when participants were not observed
  // Salted digest of the whole object GET returned, kept only by plan --refresh=full (apply
  // FILE then GETs the meeting again to compare: sees changes that did not move updated_at).
  std::string object_digest;
};

struct Counts {
  int create = 0, update = 0, replace = 0, deactivate = 0;
  int add = 0, edit = 0, remove = 0, rotate = 0;
  [[nodiscard]] bool any() const {
    return create + update + replace + deactivate + add + edit + remove + rotate > 0;
  }
};

struct Plan {
  std::vector<MeetingPlan> meetings;  // sorted by key; only meetings with operations
  std::vector<std::string> errors;    // a plan with errors must not be applied
  std::vector<std::string> warnings;
  std::map<std::string, Fingerprint> fingerprints;  // by key, for every bound meeting touched
  std::map<std::string, bool> protect;              // key -> protect, for every desired key
  // key -> paths whose values come from references, for every desired key (apply keeps them
  // in the state so that its cache never holds them).
  std::map<std::string, std::set<std::string>> referenced;
  // Meetings on the server no key of the state is bound to (nobody here manages them): list
  // summaries (id, title, status), in list order.
  std::vector<json> unmanaged;
  Counts counts;
  [[nodiscard]] bool has_changes() const { return counts.any(); }
};

Counts count_operations(const std::vector<MeetingPlan>& meetings);

// The participant-set fingerprint of a listed participant array.
std::string participants_digest(const std::vector<json>& participants);
// The fingerprint of a whole meeting object, salted (the object may hold referenced values).
std::string object_digest(const std::string& salt, const std::string& meeting_id,
                          const json& object);

}  // namespace rtk::plan
