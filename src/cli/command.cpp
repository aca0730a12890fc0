#include "cli/command.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/logging.hpp"
#include "cli/views.hpp"

namespace rtk::cli {
namespace {

constexpr std::array<std::pair<Format, std::string_view>, 5> kFormatNames{{
    {Format::Text, "text"},
    {Format::Json, "json"},
    {Format::Markdown, "markdown"},
    {Format::Github, "github"},
    {Format::Yaml, "yaml"},
}};

std::string names_of(const std::vector<Format>& formats) {
  std::string out;
  for (size_t i = 0; i < formats.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == formats.size() ? " or " : ", ") + format_name(formats[i]);
  }
  return out;
}

Result<Format> format_of(const Command& command, const cxxopts::ParseResult& args) {
  if (args.count("format") == 0U) return command.formats.front();
  const auto text = args["format"].as<std::string>();
  for (Format f : command.formats) {
    if (format_name(f) == text) return f;
  }
  return Error{"rtksync " + std::string(command.name) + " prints " + names_of(command.formats) +
               "; --format " + text + " is not one of them"};
}

Terminal terminal_of(const cxxopts::ParseResult& args) {
  Terminal t;
  t.stdout_tty = isatty(STDOUT_FILENO) != 0;
  t.stderr_tty = isatty(STDERR_FILENO) != 0;
  const char* no_color = std::getenv("NO_COLOR");  // https://no-color.org: set and not empty
  t.color =
      t.stdout_tty && args.count("no-color") == 0U && (no_color == nullptr || *no_color == '\0');
  t.quiet = args.count("quiet") != 0U;
  return t;
}

Result<cxxopts::ParseResult> parse(cxxopts::Options& options, int argc, char** argv) {
  try {
    return options.parse(argc, argv);
  } catch (const std::exception& e) {
    return Error{std::string(e.what()) + " (see --help)"};
  }
}

// A word cxxopts did not take (no positional slot for it) is a mistake: `rtksync plan
// weekly-standup` must not plan everything.
Result<Unit> no_stray_words(const cxxopts::ParseResult& args) {
  if (args.unmatched().empty()) return Unit{};
  std::string words;
  for (const auto& w : args.unmatched()) words += (words.empty() ? "" : " ") + w;
  return Error{"unexpected argument: " + words + " (see --help)"};
}

}  // namespace

std::string format_name(Format format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return std::string(name);
  }
  return "text";
}

Exit run_command(const Command& command, int argc, char** argv) {
  cxxopts::Options options("rtksync " + std::string(command.name),
                           std::string(command.description));
  command.add_options(options);
  auto args = parse(options, argc, argv);
  if (!args) return args.error();
  if (args->count("help") != 0U) {
    std::cout << options.help() << "\n";
    return kExitOk;
  }
  if (auto words = no_stray_words(*args); !words) return words.error();
  if (auto logs = configure_logging(*args); !logs) return logs.error();
  auto format = format_of(command, *args);
  if (!format) return format.error();
  return command.run(Invocation{*args, *format, terminal_of(*args)});
}

void add_common_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("c,config", "project file", cxxopts::value<std::string>()->default_value("rtksync.yaml"))
    ("account-id", "Cloudflare account id (overrides $CLOUDFLARE_ACCOUNT_ID and the file)",
     cxxopts::value<std::string>())
    ("app-id", "RealtimeKit app id (overrides $RTKSYNC_APP_ID and the file)", cxxopts::value<std::string>())
    ("e,environment", "one of rtksync.yaml's environments (target, state file, ${var:...} values)",
     cxxopts::value<std::string>());
  // clang-format on
  add_output_options(options);
}

void add_output_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("format", "output format (see the command's description)", cxxopts::value<std::string>())
    ("log-level", "trace, debug, info, warn, error or off (logs go to stderr)",
     cxxopts::value<std::string>()->default_value("warn"))
    ("log-format", "text or json (one JSON object a line on stderr)",
     cxxopts::value<std::string>()->default_value("text"))
    ("no-color", "no colour even on a terminal (so does a non-empty $NO_COLOR)")
    ("q,quiet", "no progress lines and no notes; errors, warnings and the result only")
    ("h,help", "show this help");
  // clang-format on
}

void add_api_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("API")
    ("api-base-url", "API base URL (default $CLOUDFLARE_API_BASE_URL, else https://api.cloudflare.com/client/v4)",
     cxxopts::value<std::string>())
    ("parallelism", "requests in flight at once", cxxopts::value<int>()->default_value("8"))
    ("rate-limit", "client-side budget N/SECONDS", cxxopts::value<std::string>()->default_value("1200/300"))
    ("max-retries", "retries for a failed idempotent request", cxxopts::value<int>()->default_value("5"))
    ("retry-base-ms", "first backoff delay; doubles per retry, with jitter", cxxopts::value<int>()->default_value("250"))
    ("timeout", "seconds one request may take in all: every attempt, backoff and Retry-After wait", cxxopts::value<int>()->default_value("30"))
    ("insecure", "do not verify TLS certificates (only for a local emulator over https)");
  // clang-format on
}

config::LoadOptions load_options(const cxxopts::ParseResult& args) {
  config::LoadOptions o;
  o.config_path = args["config"].as<std::string>();
  if (args.count("account-id") != 0U) o.account_id = args["account-id"].as<std::string>();
  if (args.count("app-id") != 0U) o.app_id = args["app-id"].as<std::string>();
  if (args.count("environment") != 0U) o.environment = args["environment"].as<std::string>();
  return o;
}

Result<config::Loaded> load_config(const Invocation& invocation, Env env) {
  auto options = load_options(invocation.args);
  options.strict_env = env == Env::Strict;
  auto loaded = config::load(options);
  show_diagnostics(std::cerr, loaded.diagnostics);
  const auto& d = loaded.diagnostics;
  if (d.has_errors()) return Error{config::count_text(d.error_count(), d.warning_count())};
  return loaded;
}

std::string state_path_of(const model::Project& project) {
  return (std::filesystem::path(project.root) / project.state_path).string();
}

Result<state::State> load_state(const model::Project& project) {
  return state::load(state_path_of(project), project.account_id, project.app_id);
}

std::vector<std::string> words_of(const cxxopts::ParseResult& args) {
  if (args.count("args") == 0U) return {};
  return args["args"].as<std::vector<std::string>>();
}

}  // namespace rtk::cli
