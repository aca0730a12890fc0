#include "cli/session.hpp"

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "cli/views.hpp"

namespace rtk::cli {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

// --rate-limit N/SECONDS.
Result<Unit> read_rate_limit(const std::string& text, api::ClientOptions& o) {
  auto slash = text.find('/');
  try {
    o.rate_budget = std::stod(text.substr(0, slash));
    o.rate_window_s = slash == std::string::npos ? 1 : std::stod(text.substr(slash + 1));
  } catch (const std::exception&) {
    return Error{"--rate-limit wants N/SECONDS, got " + text};
  }
  return Unit{};
}

// The budget's waits are said at most once per 10 s of wall time, unless --quiet: in the
// progress line on a terminal, a note line otherwise.
std::function<void(std::chrono::seconds)> budget_note(const api::ClientOptions& o,
                                                      const Terminal& term) {
  return [budget = o.rate_budget, window = o.rate_window_s, term](std::chrono::seconds wait) {
    static std::mutex mu;
    static std::chrono::steady_clock::time_point last{};
    std::lock_guard lock(mu);
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(10)) return;
    last = now;
    show_budget_wait(term, "waiting " + std::to_string(wait.count()) +
                               " s for the API's request budget (" +
                               std::to_string(static_cast<long>(budget)) + " requests per " +
                               std::to_string(static_cast<long>(window)) + " s)");
  };
}

bool is_local(const std::string& url) {
  return url.find("://127.0.0.1") != std::string::npos ||
         url.find("://localhost") != std::string::npos;
}

}  // namespace

Result<api::ClientOptions> client_options(const Invocation& inv, const model::Project& project) {
  const auto& args = inv.args;
  api::ClientOptions o;
  o.base_url = args.count("api-base-url") != 0U ? args["api-base-url"].as<std::string>()
                                                : env_or("CLOUDFLARE_API_BASE_URL", o.base_url);
  o.token = env_or("CLOUDFLARE_API_TOKEN", "");
  if (o.token.empty()) {
    return Error{
        "CLOUDFLARE_API_TOKEN is not set (an API token with RealtimeKit permissions; "
        "for the bundled emulator: dev-token)"};
  }
  o.account_id = project.account_id;
  o.app_id = project.app_id;
  o.parallelism = args["parallelism"].as<int>();
  o.max_retries = args["max-retries"].as<int>();
  o.deadline = std::chrono::seconds(std::max(1, args["timeout"].as<int>()));
  o.backoff_base = std::chrono::milliseconds(std::max(1, args["retry-base-ms"].as<int>()));
  o.insecure = args.count("insecure") != 0U;
  if (auto rate = read_rate_limit(args["rate-limit"].as<std::string>(), o); !rate)
    return rate.error();
  if (o.parallelism < 1 || o.parallelism > 256 || o.max_retries < 0 || o.rate_budget <= 0 ||
      o.rate_window_s <= 0) {
    return Error{"--parallelism must be 1..256, --max-retries >= 0, --rate-limit positive"};
  }
  o.on_budget_wait = budget_note(o, inv.term);
  if (o.base_url.rfind("http://", 0) == 0 && !is_local(o.base_url))
    show_warning(o.base_url + " is plain http; the API token travels unencrypted");
  return o;
}

Result<std::unique_ptr<api::Client>> make_client(const Invocation& inv,
                                                 const model::Project& project) {
  auto options = client_options(inv, project);
  if (!options) return options.error();
  return std::make_unique<api::Client>(*options);
}

void add_safety_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("safety")
    ("allow-removals", "pass the safety limits on deactivations, participant removals and "
                       "protected meetings")
    ("allow-updates", "pass the safety limit on mass updates (limits.max_update_percent)")
    ("target", "plan only this meeting KEY (repeatable; comma-separated works too)",
     cxxopts::value<std::vector<std::string>>());
  // clang-format on
}

PlanRequest plan_request(const cxxopts::ParseResult& args) {
  PlanRequest r;
  r.overrides = {.allow_removals = args.count("allow-removals") != 0U,
                 .allow_updates = args.count("allow-updates") != 0U};
  if (args.count("target") != 0U) r.targets = args["target"].as<std::vector<std::string>>();
  return r;
}

Result<apply::Planned> observe_and_plan(api::Api& api, const config::Loaded& config,
                                        const state::State& state, const PlanRequest& request) {
  plan::Overrides overrides = request.overrides;
  overrides.targets.insert(request.targets.begin(), request.targets.end());
  auto planned = apply::observe_and_plan(api, config.project, config.desired, state, overrides,
                                         request.refresh, request.on_progress);
  if (!planned) return planned.error();
  return std::move(planned).value();
}

std::string target_of(const model::Project& project) {
  return project.account_id + "/" + project.app_id;
}

PlanView plan_view(const Invocation& inv, const api::Client& client,
                   const model::Project& project) {
  return {inv.format,
          inv.term,
          client.stats(),
          target_of(project),
          client.options().rate_budget,
          client.options().rate_window_s};
}

}  // namespace rtk::cli
