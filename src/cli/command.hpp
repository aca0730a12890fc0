// cli/command: what every subcommand shares: the common flags, loading the configuration
// with its diagnostics printed, and the exit codes (Terraform's: 0 ok, 1 error, 2 changes).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "config/loader.hpp"

namespace rtk::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;

enum class Format { Text, Json, Markdown };

// Adds --config, --account-id, --app-id, --format and --log-level.
void add_common_options(cxxopts::Options& options);
// Adds --api-base-url, --parallelism, --rate-limit, --insecure, --timeout.
void add_api_options(cxxopts::Options& options);

std::optional<Format> parse_format(const std::string& text, std::ostream& err);
config::LoadOptions load_options(const cxxopts::ParseResult& args);
// Loads the configuration and prints its diagnostics to err (text) ; nullopt on errors.
std::optional<config::Loaded> load_config(const cxxopts::ParseResult& args, std::ostream& err);
void print_diagnostics(const config::Diagnostics& diags, std::ostream& err);
void set_log_level(const cxxopts::ParseResult& args);

// Parses argv for a subcommand; prints help or errors. nullopt means "exit with *code".
std::optional<cxxopts::ParseResult> parse_args(cxxopts::Options& options, int argc, char** argv,
                                               int& code);

// What plan and apply start from: parsed flags (log level set), the output format, and the
// configuration loaded strictly (diagnostics printed). nullopt means "exit with *code".
struct Invocation {
  cxxopts::ParseResult args;
  Format format;
  config::Loaded config;
};
std::optional<Invocation> start(cxxopts::Options& options, int argc, char** argv, int& code);

// The state file's path: the project's `state`, relative to the project file.
std::string state_path_of(const model::Project& project);

int validate_command(int argc, char** argv);
int schema_command(int argc, char** argv);
int plan_command(int argc, char** argv);
int apply_command(int argc, char** argv);
int import_command(int argc, char** argv);
int export_command(int argc, char** argv);
int state_command(int argc, char** argv);

}  // namespace rtk::cli
