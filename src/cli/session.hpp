// cli/session: the steps plan, apply, import and export share with the API: the client from
// flags and environment, the safety flags, and observe-then-plan.
#pragma once

#include <memory>
#include <string>

#include <cxxopts.hpp>

#include "api/client.hpp"
#include "api/observe.hpp"
#include "apply/steps.hpp"
#include "cli/command.hpp"
#include "cli/views.hpp"
#include "config/loader.hpp"
#include "plan/diff.hpp"
#include "state/state.hpp"

namespace rtk::cli {

// Client options from --api-base-url/$CLOUDFLARE_API_BASE_URL, $CLOUDFLARE_API_TOKEN and the
// tuning flags. An Error when something is missing or out of range.
Result<api::ClientOptions> client_options(const Invocation& invocation,
                                          const model::Project& project);
Result<std::unique_ptr<api::Client>> make_client(const Invocation& invocation,
                                                 const model::Project& project);

// Adds --allow-removals, --allow-updates and --target (plan and apply).
void add_safety_options(cxxopts::Options& options);

// What a plan is asked for: the safety overrides, the refresh mode and the target keys
// (none: every key).
struct PlanRequest {
  plan::Overrides overrides;
  api::Refresh refresh = api::Refresh::Changed;
  std::vector<std::string> targets;
  api::Progress on_progress;  // a progress line while fetching (a terminal, no --quiet)
};
PlanRequest plan_request(const cxxopts::ParseResult& args);

// Observes exactly what the plan needs and builds the plan (apply/steps); with targets, only
// those keys (an unknown key is an error).
Result<apply::Planned> observe_and_plan(api::Api& api, const config::Loaded& config,
                                        const state::State& state, const PlanRequest& request);

// "ACCOUNT/APP", as plans and reports name their target.
std::string target_of(const model::Project& project);

// How plan and apply show a plan: the invocation's format, the client's calls so far and its
// request budget (for the apply estimate), the project's target.
PlanView plan_view(const Invocation& inv, const api::Client& client, const model::Project& project);

}  // namespace rtk::cli
