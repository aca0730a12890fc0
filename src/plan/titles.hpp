// plan/titles: meetings told apart by title. A title as it may be printed (its reference
// text when it came from one); unbound meetings by title (a create marker left by an
// interrupted create is ignored, so such a meeting counts under the title it was meant to
// have); and the rule that creating a meeting whose exact title exists unbound (what a second
// checkout or a lost state file would do to every meeting) is an error unless duplicates are
// allowed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/desired.hpp"
#include "plan/diff.hpp"
#include "plan/plan.hpp"

namespace rtk::plan {

std::string shown_title(const model::DesiredMeeting& d);

using TitleIndex = std::map<std::string, std::vector<std::string>>;  // title -> unbound ids
TitleIndex unbound_by_title(const PlanInput& in);

// (A key with import_id never gets here: plan_create refuses to create it.)
void check_unbound_same_title(const model::DesiredMeeting& d, const TitleIndex& unbound,
                              MeetingPlan& mp, Plan& plan);

}  // namespace rtk::plan
