// apply/executor: runs a plan's operations against the API. Meetings run concurrently;
// within a meeting, meeting-level operations run in order (create before its status PATCH,
// PUT before the status PATCH) and participant operations after. A failure skips only its
// dependents. Every success is journaled in the state at once. Afterwards each touched
// meeting is read back and compared with what was sent.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/client.hpp"
#include "config/references.hpp"
#include "plan/plan.hpp"
#include "state/store.hpp"

namespace rtk::apply {

enum class Outcome { Done, Failed, Skipped };
std::string to_string(Outcome o);

struct OpResult {
  std::string meeting_key;
  std::string description;  // "create meeting", "add participant alice", ...
  Outcome outcome = Outcome::Done;
  std::string error;
};

struct ApplyOptions {
  std::string root = ".";  // for ${file:...}
  config::EnvLookup env = config::process_env();
  int parallelism = 8;
};

using Tokens = std::map<std::string, std::map<std::string, std::string>>;  // key -> cpid -> token

struct ApplyReport {
  std::vector<OpResult> results;
  std::vector<std::string> warnings;  // read-back differences, recovered creates
  Tokens tokens;                      // never printed; written only with --tokens-out
  int done = 0, failed = 0, skipped = 0;
};

ApplyReport execute(const plan::Plan& plan, api::Client& client, state::Store& store,
                    const ApplyOptions& options,
                    const std::function<void(const OpResult&)>& on_result);

std::string describe(const plan::Operation& op);

}  // namespace rtk::apply
