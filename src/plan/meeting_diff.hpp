// plan/meeting_diff: how one bound meeting differs from its desired fields: which changes a
// PATCH can make and which need a PUT (the field table's verbs and nullability), the PUT body,
// and the stored credentials a PUT would erase.
#pragma once

#include <string>
#include <vector>

#include "model/desired.hpp"
#include "plan/plan.hpp"
#include "state/state.hpp"

namespace rtk::plan {

struct MeetingDiff {
  std::vector<FieldChange> patchable;  // changes a PATCH can make (status included)
  std::vector<FieldChange> needs_put;  // recording_config and write-only changes
  bool status_changed = false;
};

MeetingDiff diff_meeting(const model::DesiredMeeting& d, const json& observed,
                         const state::MeetingState& st, const std::string& salt);
// The PUT body: every replaceable field, desired where managed, observed otherwise.
json replace_body(const json& desired, const json& observed);
// Write-only credentials a PUT would erase (names), or none.
std::vector<std::string> erased_credentials(const json& body, const json& observed,
                                            const state::MeetingState& st);
std::string top_of(const std::string& path);

}  // namespace rtk::plan
