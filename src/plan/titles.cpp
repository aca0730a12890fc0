#include "plan/titles.hpp"

#include <set>

#include "model/create_marker.hpp"
#include "model/json_path.hpp"

namespace rtk::plan {

std::string shown_title(const model::DesiredMeeting& d) {
  json t = d.shown("title");
  return t.is_string() ? t.get<std::string>() : "";
}

TitleIndex unbound_by_title(const PlanInput& in) {
  std::set<std::string> bound;
  for (const auto& [key, st] : in.state.meetings) bound.insert(st.id);
  TitleIndex out;
  for (const auto& s : in.observed.summaries) {
    std::string id = s.value("id", "");
    if (bound.count(id) != 0U) continue;
    const json& title = s.value("title", json());
    if (title.is_string()) out[model::unmarked_title(title.get<std::string>())].push_back(id);
  }
  return out;
}

void check_unbound_same_title(const model::DesiredMeeting& d, const TitleIndex& unbound,
                              MeetingPlan& mp, Plan& plan) {
  const json& title = d.fields.value("title", json());
  if (!title.is_string() || title.get<std::string>().empty()) return;
  auto it = unbound.find(title.get<std::string>());
  if (it == unbound.end()) return;
  std::string ids;
  for (const auto& id : it->second) ids += (ids.empty() ? "" : ", ") + id;
  const std::string shown = shown_title(d);
  if (d.allow_duplicate_title) {
    mp.notes.push_back("a meeting titled \"" + shown + "\" already exists unbound (id " + ids +
                       "); creating another, as allow_duplicate_title says");
    return;
  }
  plan.errors.push_back(
      "meeting " + d.key + ": an unbound meeting titled \"" + shown + "\" already exists (id " +
      ids +
      "), so creating it would make a duplicate (another checkout or a lost state file?). "
      "Bind the existing one with `rtksync import " +
      d.key + " " + it->second.front() +
      "`, or set `allow_duplicate_title: true` on the meeting (or in the project's defaults) to "
      "create another.");
}

}  // namespace rtk::plan
