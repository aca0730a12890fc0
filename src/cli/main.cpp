// cli/main: the rtksync binary: picks the subcommand and turns stray exceptions into exit 1.
#include <cstring>
#include <iostream>
#include <map>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command.hpp"
#include "cli/version.hpp"

namespace {

constexpr const char* kUsage =
    R"(rtksync: keep Cloudflare RealtimeKit meetings in line with YAML files.

Usage: rtksync <command> [options]      (rtksync <command> --help for details)

Commands:
  validate   check the configuration offline (no token, no network)
  plan       show what apply would change; --out FILE saves the plan
  apply      make the API match the files (or apply a saved plan file)
  import     bind existing meetings to keys, so nothing is recreated
  export     write YAML for meetings that already exist
  state      list | show KEY | rm KEY | unlock
  schema     print the JSON Schema of meeting files (--project: of rtksync.yaml)
  version    print the version

Exit codes: 0 success / no changes, 1 error, 2 changes present (plan --detailed-exitcode).
Environment: CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID, RTKSYNC_APP_ID, CLOUDFLARE_API_BASE_URL.
)";

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("rtksync");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(spdlog::level::warn);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << kUsage;
    return argc < 2 ? rtk::cli::kExitError : rtk::cli::kExitOk;
  }
  std::string command = argv[1];
  if (command == "version" || command == "--version") {
    std::cout << "rtksync " << rtk::cli::kVersion << "\n";
    return 0;
  }
  const std::map<std::string, int (*)(int, char**)> commands{
      {"validate", rtk::cli::validate_command}, {"schema", rtk::cli::schema_command},
      {"plan", rtk::cli::plan_command},         {"apply", rtk::cli::apply_command},
      {"import", rtk::cli::import_command},     {"export", rtk::cli::export_command},
      {"state", rtk::cli::state_command},
  };
  auto it = commands.find(command);
  if (it == commands.end()) {
    std::cerr << "error: unknown command " << command << "\n\n" << kUsage;
    return rtk::cli::kExitError;
  }
  try {
    return it->second(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return rtk::cli::kExitError;
  }
}
