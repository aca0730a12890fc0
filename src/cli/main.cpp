// cli/main: the rtksync binary: picks the subcommand, runs it, and is the one place an error
// becomes text on stderr and exit 1 (a stray exception too).
#include <iostream>
#include <string_view>

#include "cli/command.hpp"
#include "cli/logging.hpp"
#include "cli/version.hpp"

namespace {

using rtk::cli::kExitError;
using rtk::cli::kExitOk;

void show_usage(std::ostream& out) {
  out << "rtksync: keep Cloudflare RealtimeKit meetings in line with YAML files.\n\n"
         "Usage: rtksync <command> [options]      (rtksync <command> --help for details)\n\n"
         "Commands:\n";
  for (const auto& c : rtk::cli::commands()) {
    out << "  " << c.name << std::string(11 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << "  version    print the version\n\n"
         "Exit codes: 0 success / no changes, 1 error, 2 changes present (plan "
         "--detailed-exitcode).\n"
         "Environment: CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID, RTKSYNC_APP_ID, "
         "CLOUDFLARE_API_BASE_URL, NO_COLOR.\n";
}

rtk::cli::Exit dispatch(int argc, char** argv) {
  const std::string_view name = argv[1];
  if (name == "version" || name == "--version") {
    std::cout << "rtksync " << rtk::cli::kVersion << "\n";
    return kExitOk;
  }
  const auto* command = rtk::cli::find_command(name);
  if (command == nullptr) {
    show_usage(std::cerr);
    return rtk::Error{"unknown command " + std::string(name)};
  }
  return rtk::cli::run_command(*command, argc - 1, argv + 1);
}

}  // namespace

int main(int argc, char** argv) {
  rtk::cli::start_logging();
  if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
    show_usage(std::cout);
    return argc < 2 ? kExitError : kExitOk;
  }
  try {
    auto exit = dispatch(argc, argv);
    if (exit) return *exit;
    std::cerr << "error: " << exit.error().message << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return kExitError;
}
