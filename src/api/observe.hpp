// api/observe: fetches what the planner needs and nothing more: the meeting list (all
// pages), a GET only for bound meetings whose updated_at moved since the state's copy (or
// for every bound meeting with full_refresh, or one the list does not show: some servers
// hide INACTIVE meetings from it), and the participant lists of meetings whose participants
// are managed. Concurrent.
#pragma once

#include <map>
#include <set>
#include <string>

#include "api/client.hpp"
#include "model/observed.hpp"

namespace rtk::api {

struct BoundMeeting {
  std::string updated_at;  // from the state; "" forces a GET
  json cached;             // the state's copy of the object
};

struct ObserveRequest {
  std::map<std::string, BoundMeeting> bound;  // by meeting id
  std::set<std::string> participants_of;      // meeting ids whose participants to list
  // GET every bound meeting instead of trusting an unchanged list updated_at (plan
  // --refresh=full): sees changes a server makes without moving updated_at.
  bool full_refresh = false;
};

ApiResult<model::Observed> observe(Client& client, const ObserveRequest& request);

}  // namespace rtk::api
