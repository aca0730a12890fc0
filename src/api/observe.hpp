// api/observe: fetches what the planner needs and nothing more: the meeting list (all
// pages), a GET only for bound meetings whose updated_at moved since the state's copy (or
// for every bound meeting with Refresh::Full), and the participant lists of meetings whose
// participants are managed. A bound meeting missing from the list is confirmed with a GET
// before it is reported missing (a list may hide some meetings, e.g. INACTIVE ones).
// Requests run on one pool of api.parallelism().
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "api/api.hpp"
#include "model/observed.hpp"

namespace rtk::api {

struct BoundMeeting {
  std::string updated_at;  // from the state; "" forces a GET
  json cached;             // the state's copy of the object
};

// Which bound meetings to GET. Changed: those whose list updated_at moved since the state's
// copy. Full (plan --refresh=full): every one, which sees changes a server makes without
// moving updated_at.
enum class Refresh { Changed, Full };

// Told (done, total) as fetching goes; for a progress line.
using Progress = std::function<void(size_t done, size_t total)>;

struct ObserveRequest {
  std::map<std::string, BoundMeeting> bound;  // by meeting id: the full object is needed
  std::set<std::string> also_bound;           // ids whose existence and summary suffice
  std::set<std::string> participants_of;      // meeting ids whose participants to list
  Refresh refresh = Refresh::Changed;
  Progress on_progress;  // after each GET or participant list, one call at a time
};

ApiResult<model::Observed> observe(Api& api, const ObserveRequest& request);

}  // namespace rtk::api
