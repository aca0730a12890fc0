// config/loader: the project file (rtksync.yaml) and the meeting files it includes, read
// into a Project and a DesiredState with every problem reported at once, before any
// network call. Reads files; otherwise pure.
#pragma once

#include <optional>
#include <string>

#include "config/diagnostics.hpp"
#include "config/references.hpp"
#include "model/desired.hpp"

namespace rtk::config {

struct LoadOptions {
  std::string config_path = "rtksync.yaml";
  std::optional<std::string> account_id;  // --account-id (overrides env and file)
  std::optional<std::string> app_id;      // --app-id
  EnvLookup env = process_env();
  // A missing ${env:...} variable is an error (plan, apply); validate makes it a warning
  // so that pull-request checks without secrets still pass.
  bool strict_env = true;
  std::string environment;  // --environment: one of rtksync.yaml's `environments:`
};

struct Loaded {
  model::Project project;
  model::DesiredState desired;
  Diagnostics diagnostics;
};

Loaded load(const LoadOptions& options);

// Parses meeting-file text (exposed for tests and benchmarks); appends to desired.
void load_meeting_text(const std::string& text, const std::string& display_name,
                       const model::Project& project, const EnvLookup& env,
                       model::DesiredState& desired, Diagnostics& diags);

}  // namespace rtk::config
