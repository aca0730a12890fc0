#include "cli/session.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "api/observe.hpp"
#include "model/field_table.hpp"
#include "plan/diff.hpp"

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
  o.timeout_s = args["timeout"].as<int>();
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

namespace {

// The state's cached object lacks secrets and referenced values. It may stand in for a GET
// only when the configuration still supplies every such value it lacks: otherwise a PUT
// built from it would erase them.
bool cache_is_complete(const state::State& state, const std::string& key,
                       const model::DesiredMeeting& desired) {
  const state::MeetingState& ms = state.meetings.at(key);
  if (auto it = state.referenced.find(key); it != state.referenced.end()) {
    for (const auto& path : it->second) {
      if (desired.references.count(path) == 0U) return false;
    }
  }
  for (const auto& [path, digest] : ms.digests) {
    const auto* f = model::find_field(model::Resource::Meeting, path);
    bool returned_secret = f != nullptr && f->has(model::kSecret) && !f->has(model::kWriteOnly);
    if (returned_secret && model::get_path(desired.fields, path) == nullptr) return false;
  }
  return true;
}

}  // namespace

api::ApiResult<Planned> observe_and_plan(api::Client& client, const config::Loaded& config,
                                         const state::State& state, plan::Overrides overrides) {
  api::ObserveRequest request;
  for (const auto& [key, ms] : state.meetings) {
    auto desired = config.desired.meetings.find(key);
    if (desired == config.desired.meetings.end()) continue;  // deactivation needs the summary only
    request.bound[ms.id] = {ms.updated_at, cache_is_complete(state, key, desired->second)
                                               ? ms.object
                                               : nlohmann::json::object()};
    if (desired->second.participants_managed) request.participants_of.insert(ms.id);
  }
  auto observed = api::observe(client, request);
  if (!observed) return observed.error();
  Planned out;
  out.observed = std::move(observed).value();
  out.plan = plan::build_plan(
      plan::PlanInput{config.project, config.desired, out.observed, state, overrides});
  return out;
}

}  // namespace rtk::cli
