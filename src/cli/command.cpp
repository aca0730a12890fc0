#include "cli/command.hpp"

#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

namespace rtk::cli {

void add_common_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("c,config", "project file", cxxopts::value<std::string>()->default_value("rtksync.yaml"))
    ("account-id", "Cloudflare account id (overrides $CLOUDFLARE_ACCOUNT_ID and the file)",
     cxxopts::value<std::string>())
    ("app-id", "RealtimeKit app id (overrides $RTKSYNC_APP_ID and the file)", cxxopts::value<std::string>())
    ("format", "output format: text, json or markdown", cxxopts::value<std::string>()->default_value("text"))
    ("log-level", "trace, debug, info, warn, error or off (logs go to stderr)",
     cxxopts::value<std::string>()->default_value("warn"))
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

std::optional<Format> parse_format(const std::string& text, std::ostream& err) {
  if (text == "text") return Format::Text;
  if (text == "json") return Format::Json;
  if (text == "markdown") return Format::Markdown;
  err << "error: --format must be text, json or markdown, got " << text << "\n";
  return std::nullopt;
}

config::LoadOptions load_options(const cxxopts::ParseResult& args) {
  config::LoadOptions o;
  o.config_path = args["config"].as<std::string>();
  if (args.count("account-id") != 0U) o.account_id = args["account-id"].as<std::string>();
  if (args.count("app-id") != 0U) o.app_id = args["app-id"].as<std::string>();
  return o;
}

void print_diagnostics(const config::Diagnostics& diags, std::ostream& err) {
  for (const auto& d : diags.sorted()) err << config::format(d) << "\n";
}

std::optional<config::Loaded> load_config(const cxxopts::ParseResult& args, std::ostream& err) {
  auto loaded = config::load(load_options(args));
  print_diagnostics(loaded.diagnostics, err);
  if (loaded.diagnostics.has_errors()) {
    err << config::count_text(loaded.diagnostics.error_count(), loaded.diagnostics.warning_count())
        << "\n";
    return std::nullopt;
  }
  return loaded;
}

void set_log_level(const cxxopts::ParseResult& args) {
  auto level = spdlog::level::from_str(args["log-level"].as<std::string>());
  spdlog::set_level(level);
}

std::optional<cxxopts::ParseResult> parse_args(cxxopts::Options& options, int argc, char** argv,
                                               int& code) {
  try {
    auto args = options.parse(argc, argv);
    if (args.count("help") != 0U) {
      std::cout << options.help() << "\n";
      code = kExitOk;
      return std::nullopt;
    }
    return args;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n(see --help)\n";
    code = kExitError;
    return std::nullopt;
  }
}

std::optional<Invocation> start(cxxopts::Options& options, int argc, char** argv, int& code) {
  auto args = parse_args(options, argc, argv, code);
  if (!args) return std::nullopt;
  code = kExitError;
  set_log_level(*args);
  auto format = parse_format((*args)["format"].as<std::string>(), std::cerr);
  if (!format) return std::nullopt;
  auto config = load_config(*args, std::cerr);
  if (!config) return std::nullopt;
  // A copy: cxxopts::ParseResult declares a copy constructor and no move constructor.
  return Invocation{*args, *format, std::move(*config)};
}

std::string state_path_of(const model::Project& project) {
  return (std::filesystem::path(project.root) / project.state_path).string();
}

}  // namespace rtk::cli
