// apply/executor: runs a plan's operations against the API.
//
// Order: one task per meeting runs its meeting-level operations in order (create, then the
// request that removes the create marker and sets status; PUT before its status PATCH). A
// meeting's participant work starts as soon as the meeting exists, one task per participant
// running that participant's operations in order, so the tokens file always ends with the
// live token. Tasks share one pool of `parallelism` workers (apply/work_pool). A failure skips
// only its dependents.
//
// Recording: every success is journaled in the state store at once. A create journals its
// intent before the POST and is resolved by its marker if the answer is lost (apply/intents).
// If the journal or the tokens file cannot be written, no further mutation starts; work in
// flight finishes and the report names what was done but not recorded.
//
// Read-back: each mutation's answer is compared with what was sent; only an answer without
// data costs a GET.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "apply/tokens.hpp"
#include "config/references.hpp"
#include "plan/plan.hpp"
#include "state/store.hpp"

namespace rtk::apply {

enum class Outcome {
  Done,        // took effect and is recorded in the state
  Unrecorded,  // took effect, but the state or tokens file could not record it
  Failed,
  Skipped,
};
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
  TokenSink* tokens = nullptr;  // where join tokens go; nullptr: they are not kept
};

struct ApplyReport {
  std::vector<OpResult> results;
  std::vector<std::string> warnings;  // read-back differences, recovered creates
  int done = 0, unrecorded = 0, failed = 0, skipped = 0;
  int tokens_kept = 0;         // written to the tokens sink
  int tokens_not_kept = 0;     // received without a sink
  int tokens_undelivered = 0;  // issued but never received or written: rotated next run
};

// Called once per finished operation, from a worker thread, one call at a time (the run's
// lock is held): keep it short and do not call back into the executor.
using ResultObserver = std::function<void(const OpResult&)>;

ApplyReport execute(const plan::Plan& plan, api::Api& api, state::Store& store,
                    const ApplyOptions& options, const ResultObserver& on_result);

std::string describe(const plan::Operation& op);

}  // namespace rtk::apply
