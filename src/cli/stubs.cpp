#include "cli/command.hpp"
namespace rtk::cli {
int plan_command(int, char**) { return kExitError; }
int apply_command(int, char**) { return kExitError; }
int import_command(int, char**) { return kExitError; }
int export_command(int, char**) { return kExitError; }
int state_command(int, char**) { return kExitError; }
}  // namespace rtk::cli
