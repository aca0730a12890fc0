#include "cli/session.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

namespace rtk::cli {

bool stdout_is_tty() {
  return isatty(STDOUT_FILENO) != 0;
}

std::optional<api::ClientOptions> client_options(const cxxopts::ParseResult& args,
                                                 const model::Project& project) {
  api::ClientOptions o;
  const char* base = std::getenv("CLOUDFLARE_API_BASE_URL");
  if (base != nullptr && *base != '\0') o.base_url = base;
  if (args.count("api-base-url") != 0U) o.base_url = args["api-base-url"].as<std::string>();
  const char* token = std::getenv("CLOUDFLARE_API_TOKEN");
  if (token == nullptr || *token == '\0') {
    std::cerr << "error: CLOUDFLARE_API_TOKEN is not set (an API token with RealtimeKit "
                 "permissions; for the bundled emulator: dev-token)\n";
    return std::nullopt;
  }
  o.token = token;
  o.account_id = project.account_id;
  o.app_id = project.app_id;
  o.parallelism = args["parallelism"].as<int>();
  o.max_retries = args["max-retries"].as<int>();
  o.deadline = std::chrono::seconds(std::max(1, args["timeout"].as<int>()));
  o.backoff_base = std::chrono::milliseconds(std::max(1, args["retry-base-ms"].as<int>()));
  o.insecure = args.count("insecure") != 0U;
  auto rate = args["rate-limit"].as<std::string>();
  auto slash = rate.find('/');
  try {
    o.rate_budget = std::stod(rate.substr(0, slash));
    o.rate_window_s = slash == std::string::npos ? 1 : std::stod(rate.substr(slash + 1));
  } catch (const std::exception&) {
    std::cerr << "error: --rate-limit wants N/SECONDS, got " << rate << "\n";
    return std::nullopt;
  }
  // The budget's waits are said, at most once per 10 s of wall time, on stderr.
  o.on_budget_wait = [budget = o.rate_budget, window = o.rate_window_s](std::chrono::seconds wait) {
    static std::mutex mu;
    static std::chrono::steady_clock::time_point last{};
    std::lock_guard lock(mu);
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(10)) return;
    last = now;
    std::cerr << "waiting " << wait.count() << " s for the API's request budget ("
              << static_cast<long>(budget) << " requests per " << window << " s)\n";
  };
  if (o.parallelism < 1 || o.parallelism > 256 || o.max_retries < 0 || o.rate_budget <= 0 ||
      o.rate_window_s <= 0) {
    std::cerr << "error: --parallelism must be 1..256, --max-retries >= 0, --rate-limit positive\n";
    return std::nullopt;
  }
  if (o.base_url.rfind("http://", 0) == 0 && o.base_url.find("://127.0.0.1") == std::string::npos &&
      o.base_url.find("://localhost") == std::string::npos) {
    std::cerr << "warning: " << o.base_url << " is plain http; the API token travels unencrypted\n";
  }
  return o;
}

void add_safety_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("safety")
    ("allow-removals", "pass the safety limits on deactivations, participant removals and "
                       "protected meetings")
    ("allow-updates", "pass the safety limit on mass updates (limits.max_update_percent)");
  // clang-format on
}

plan::Overrides safety_overrides(const cxxopts::ParseResult& args) {
  return {args.count("allow-removals") != 0U, args.count("allow-updates") != 0U};
}

api::ApiResult<apply::Planned> observe_and_plan(api::Api& api, const config::Loaded& config,
                                                const state::State& state,
                                                plan::Overrides overrides, api::Refresh refresh) {
  return apply::observe_and_plan(api, config.project, config.desired, state, overrides, refresh);
}

}  // namespace rtk::cli
