// plan/participants_diff: the participant operations of one meeting whose participants are
// managed: add, edit (PATCH of what differs), remove, token rotation (raised token_rotation,
// or a token issued and never delivered), and the participant safety limits.
#pragma once

#include <vector>

#include "model/desired.hpp"
#include "plan/diff.hpp"
#include "plan/plan.hpp"
#include "state/state.hpp"

namespace rtk::plan {

// observed: the meeting's listed participants (nullptr for a meeting not created yet).
void plan_participants(const model::DesiredMeeting& d, const std::vector<json>* observed,
                       const state::MeetingState* st, const PlanInput& in, MeetingPlan& mp,
                       Plan& plan);

}  // namespace rtk::plan
