// cli/validate_command: `rtksync validate`: offline, no token, no network.
#include <iostream>

#include "cli/command.hpp"
#include "config/project_file.hpp"
#include "model/json_schema.hpp"

namespace rtk::cli {

int validate_command(int argc, char** argv) {
  cxxopts::Options options("rtksync validate",
                           "Check the project file and every meeting file, offline.\n"
                           "Prints file:line:col diagnostics; exit 0 when there are no errors.");
  add_common_options(options);
  options.add_options()("strict-env", "treat unset ${env:...} variables as errors, as plan does");
  int code = kExitOk;
  auto args = parse_args(options, argc, argv, code);
  if (!args) return code;
  auto format = parse_format((*args)["format"].as<std::string>(), std::cerr);
  if (!format) return kExitError;
  auto load = load_options(*args);
  load.strict_env = args->count("strict-env") != 0U;
  auto loaded = config::load(load);
  const auto& diags = loaded.diagnostics;
  if (*format == Format::Json) {
    std::cout << config::to_json(diags.sorted()).dump(2) << "\n";
  } else {
    print_diagnostics(diags, std::cout);
    if (diags.has_errors()) {
      std::cout << config::count_text(diags.error_count(), diags.warning_count()) << "\n";
    } else {
      std::cout << loaded.desired.meetings.size() << " meetings, "
                << loaded.desired.participant_count() << " participants: OK";
      if (diags.warning_count() > 0) {
        std::cout << " (" << diags.warning_count()
                  << (diags.warning_count() == 1 ? " warning)" : " warnings)");
      }
      std::cout << "\n";
    }
  }
  return diags.has_errors() ? kExitError : kExitOk;
}

int schema_command(int argc, char** argv) {
  cxxopts::Options options(
      "rtksync schema",
      "Print the JSON Schema of meeting files, or with --project of the project\n"
      "file, for editor completion and checking.");
  options.add_options()("project", "print the schema of the project file (rtksync.yaml) instead")(
      "h,help", "show this help");
  int code = kExitOk;
  auto args = parse_args(options, argc, argv, code);
  if (!args) return code;
  const bool project = args->count("project") != 0U;
  std::cout << (project ? config::project_file_schema() : model::meeting_file_schema()).dump(2)
            << "\n";
  return kExitOk;
}

}  // namespace rtk::cli
