// model/observed: what rtksync saw on the server, as plain values: every meeting's list
// summary, the full objects of managed meetings, and their participants.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/json_path.hpp"

namespace rtk::model {

struct Observed {
  std::vector<json> summaries;                            // every meeting, from the list
  std::map<std::string, json> meetings;                   // id -> full object (GET or cache)
  std::map<std::string, std::vector<json>> participants;  // id -> participants (listed)
  std::set<std::string> missing;                          // bound ids the server does not have
  std::set<std::string> from_cache;                       // ids whose object came from the state
  bool every_bound_fetched = false;  // plan --refresh=full: no object came from the state
};

}  // namespace rtk::model
