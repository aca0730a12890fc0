// cli/validate_command: `rtksync validate` (offline, no token, no network) and
// `rtksync schema`.
#include <iostream>
#include <map>

#include "cli/command.hpp"
#include "cli/views.hpp"
#include "config/project_file.hpp"
#include "model/json_schema.hpp"

namespace rtk::cli {

void add_validate_options(cxxopts::Options& options) {
  add_common_options(options);
  options.add_options()("strict-env", "treat unset ${env:...} variables as errors, as plan does");
}

// Without --environment, a project that declares environments is checked in each of them
// (a ${var:...} one lacks, a target one misses).
Exit validate_command(const Invocation& inv) {
  auto options = load_options(inv.args);
  options.strict_env = inv.args.count("strict-env") != 0U;
  const auto loaded = config::load(options);
  if (!options.environment.empty() || loaded.project.environments.empty()) {
    show_validation(std::cout, loaded, inv.format);
    return loaded.diagnostics.has_errors() ? kExitError : kExitOk;
  }
  std::map<std::string, config::Loaded> each;
  bool errors = false;
  for (const auto& [name, env] : loaded.project.environments) {
    options.environment = name;
    auto one = config::load(options);
    errors = errors || one.diagnostics.has_errors();
    each.emplace(name, std::move(one));
  }
  show_environment_validations(std::cout, each, inv.format);
  return errors ? kExitError : kExitOk;
}

void add_schema_options(cxxopts::Options& options) {
  add_output_options(options);
  options.add_options()("project", "print the schema of the project file (rtksync.yaml) instead");
}

Exit schema_command(const Invocation& inv) {
  const bool project = inv.args.count("project") != 0U;
  std::cout << (project ? config::project_file_schema() : model::meeting_file_schema()).dump(2)
            << "\n";
  return kExitOk;
}

}  // namespace rtk::cli
