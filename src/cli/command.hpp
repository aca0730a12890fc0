// cli/command: what every subcommand shares. A command is a Command entry (name, help, flags,
// the formats it prints) whose run() reads as a few named steps and returns Exit: an exit code
// (Terraform's: 0 ok, 1 error, 2 changes), or an Error that only main turns into text
// ("error: ...") and exit 1. Parsing, --help, --format, --log-level, colour and --quiet are
// settled once, in run_command, before a command runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cxxopts.hpp>

#include "config/loader.hpp"
#include "model/result.hpp"
#include "state/state.hpp"

namespace rtk::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;

// A command's end: an exit code, or the error main prints.
using Exit = Result<int>;

// github: the markdown, also appended to $GITHUB_STEP_SUMMARY. yaml: export's only output.
enum class Format { Text, Json, Markdown, Github, Yaml };

// What the terminal allows. color: stdout is a terminal, NO_COLOR is unset and no --no-color.
// progress: rewritten progress lines (a terminal, no --quiet). quiet: no notes for people.
struct Terminal {
  bool color = false;
  bool stdout_tty = false;
  bool stderr_tty = false;  // where notes and the fetch progress line go
  bool quiet = false;
};

struct Invocation {
  cxxopts::ParseResult args;
  Format format = Format::Text;
  Terminal term;
};

struct Command {
  std::string_view name;
  std::string_view summary;      // one line, for `rtksync --help`
  std::string_view description;  // the command's --help
  void (*add_options)(cxxopts::Options& options);
  std::vector<Format> formats;  // the first is the default
  Exit (*run)(const Invocation& invocation);
};

// Every subcommand, in the order `rtksync --help` lists them.
const std::vector<Command>& commands();
const Command* find_command(std::string_view name);

// Parses argv for a command and runs it: --help prints the help (exit 0); a bad flag, a flag
// value out of range or a stray positional argument is an error.
Exit run_command(const Command& command, int argc, char** argv);

std::string format_name(Format format);

// Adds --config, --account-id, --app-id and the output options.
void add_common_options(cxxopts::Options& options);
// Adds --format, --log-level, --log-format, --no-color, --quiet and --help (every command).
void add_output_options(cxxopts::Options& options);
// Adds --api-base-url, --parallelism, --rate-limit, --max-retries, --retry-base-ms, --timeout,
// --insecure.
void add_api_options(cxxopts::Options& options);

// The first step of most commands: the configuration, its diagnostics shown on stderr.
// strict_env: an unset ${env:...} is an error (plan and apply send values).
enum class Env { Strict, Lenient };
Result<config::Loaded> load_config(const Invocation& invocation, Env env);
config::LoadOptions load_options(const cxxopts::ParseResult& args);

// The state file's path: the project's `state`, relative to the project file.
std::string state_path_of(const model::Project& project);
Result<state::State> load_state(const model::Project& project);

// The positional words of a command that takes them ("" options name "args").
std::vector<std::string> words_of(const cxxopts::ParseResult& args);

// The commands (each in its own file).
void add_validate_options(cxxopts::Options& options);
Exit validate_command(const Invocation& invocation);
void add_schema_options(cxxopts::Options& options);
Exit schema_command(const Invocation& invocation);
void add_plan_options(cxxopts::Options& options);
Exit plan_command(const Invocation& invocation);
void add_apply_options(cxxopts::Options& options);
Exit apply_command(const Invocation& invocation);
void add_import_options(cxxopts::Options& options);
Exit import_command(const Invocation& invocation);
void add_export_options(cxxopts::Options& options);
Exit export_command(const Invocation& invocation);
void add_state_options(cxxopts::Options& options);
Exit state_command(const Invocation& invocation);

}  // namespace rtk::cli
