// config/project_file: the keys of the project file (rtksync.yaml) in one table: the loader
// rejects any key that is not in it, and `rtksync schema --project` is generated from it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/desired.hpp"

namespace rtk::config {

// A top-level key of rtksync.yaml. schema() gives the JSON Schema of its value (the
// description and default are added from doc and the defaults of model::Project).
struct ProjectKey {
  std::string_view name;
  std::string_view doc;
  std::function<model::json()> schema;
};
const std::vector<ProjectKey>& project_keys();
std::vector<std::string> project_key_names();
bool is_project_key(std::string_view name);

// A key of the `limits:` block: a whole number 0..max.
struct LimitKey {
  const char* name;
  long max;  // inclusive upper bound
  std::string_view doc;
  std::function<void(model::SafetyLimits&, long)> set;
  std::function<double(const model::SafetyLimits&)> get;  // for the schema's default
};
const std::vector<LimitKey>& limit_keys();

// The JSON Schema of rtksync.yaml (for editors: yaml-language-server and friends).
model::json project_file_schema();

}  // namespace rtk::config
