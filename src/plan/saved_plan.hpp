// plan/saved_plan: the plan file of `plan --out` and `apply FILE`: the operations with their
// bodies (secrets only as ${env:...} references), fingerprints of every object the plan
// touches, the target, a digest of the configuration, the tool version and a timestamp.
#pragma once

#include <string>

#include "model/desired.hpp"
#include "model/result.hpp"
#include "plan/plan.hpp"

namespace rtk::plan {

inline constexpr int kPlanFileVersion = 1;

struct SavedPlan {
  Plan plan;
  std::string account_id;
  std::string app_id;
  std::string config_digest;
  std::string tool_version;
  std::string created_at;
};

// Refuses (with the field named) when a body would carry a literal secret.
Result<json> to_plan_file(const SavedPlan& saved);
Result<SavedPlan> from_plan_file(const json& j);
// Digest of the configuration as written (references, not their values).
std::string config_digest(const model::DesiredState& desired);

}  // namespace rtk::plan
