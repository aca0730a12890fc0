// api/observe: fetches what the planner needs and nothing more: the meeting list (all
// pages), a GET only for bound meetings whose updated_at moved since the state's copy,
// and the participant lists of meetings whose participants are managed. A bound meeting
// missing from the list is confirmed with a GET before it is reported missing (a list may
// hide some meetings, e.g. INACTIVE ones). Requests run on one pool of client.parallelism().
#pragma once

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

struct ObserveRequest {
  std::map<std::string, BoundMeeting> bound;  // by meeting id: the full object is needed
  std::set<std::string> also_bound;           // ids whose existence and summary suffice
  std::set<std::string> participants_of;      // meeting ids whose participants to list
};

ApiResult<model::Observed> observe(Api& api, const ObserveRequest& request);

}  // namespace rtk::api
