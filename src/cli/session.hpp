// cli/session: the imperative shell shared by plan, apply, import and export: builds the
// API client from flags and environment, observes what the plan needs, and plans.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <cxxopts.hpp>

#include "api/client.hpp"
#include "apply/steps.hpp"
#include "config/loader.hpp"
#include "model/observed.hpp"
#include "plan/diff.hpp"
#include "plan/plan.hpp"
#include "state/state.hpp"

namespace rtk::cli {

// Client options from --api-base-url/$CLOUDFLARE_API_BASE_URL, $CLOUDFLARE_API_TOKEN and the
// tuning flags. nullopt (with a message on stderr) when something is missing or invalid.
std::optional<api::ClientOptions> client_options(const cxxopts::ParseResult& args,
                                                 const model::Project& project);

// Adds --allow-removals and --allow-updates (plan and apply).
void add_safety_options(cxxopts::Options& options);
plan::Overrides safety_overrides(const cxxopts::ParseResult& args);

// Observes exactly what the plan needs and builds the plan (apply/steps).
api::ApiResult<apply::Planned> observe_and_plan(api::Api& api, const config::Loaded& config,
                                                const state::State& state,
                                                plan::Overrides overrides);

bool stdout_is_tty();

}  // namespace rtk::cli
