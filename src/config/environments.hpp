// config/environments: one repository, several targets. rtksync.yaml may declare
// `environments:` (each with account_id, app_id, state and a `values:` map); --environment
// NAME selects one: its target and state file replace the top-level ones, and `${var:NAME}`
// in a meeting file's string reads its values. ${var:...} is not a secret (plans show the
// value); ${env:...} and ${file:...} are.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "config/yaml_fields.hpp"
#include "model/desired.hpp"
#include "model/result.hpp"

namespace rtk::config {

// A target string of the project file (account_id, app_id, state, values), which may come
// from ${env:...} or ${file:...}; "" with a diagnostic when it cannot be read.
std::string read_target_string(const YamlNode& node, const FileContext& ctx,
                               const std::string& what);
std::map<std::string, model::Environment> read_environments(const YamlNode& node,
                                                            const FileContext& ctx);
// Makes `name` the project's target (an unknown name is an error naming the declared ones).
Result<Unit> select_environment(model::Project& project, const std::string& name);

bool has_var(std::string_view text);
// Expands every ${var:NAME} in text from values (nullptr: no environment selected).
Result<std::string> expand_vars(std::string_view text,
                                const std::map<std::string, std::string>* values);

}  // namespace rtk::config
