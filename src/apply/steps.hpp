// apply/steps: the named steps plan and apply are made of, shared by the CLI and the tests so
// that both run the same sequence: resolve creates an earlier run left in flight, observe
// exactly what the plan needs and plan, and refresh the state's cache before changing anything.
#pragma once

#include <vector>

#include "api/api.hpp"
#include "api/observe.hpp"
#include "apply/intents.hpp"
#include "model/desired.hpp"
#include "model/observed.hpp"
#include "plan/diff.hpp"
#include "plan/plan.hpp"
#include "state/store.hpp"

namespace rtk::apply {

// Looks up every intent an earlier run left, then binds or drops them in `state` (in memory).
// An error leaves `state` unchanged: its keys must not be created.
api::ApiResult<std::vector<IntentResolution>> resolve_earlier_creates(api::Api& api,
                                                                      state::State& state);

struct Planned {
  plan::Plan plan;
  model::Observed observed;
};

// Observes exactly what the plan needs (see api/observe) and builds the plan.
api::ApiResult<Planned> observe_and_plan(api::Api& api, const model::Project& project,
                                         const model::DesiredState& desired,
                                         const state::State& state, plan::Overrides overrides,
                                         api::Refresh refresh = api::Refresh::Changed,
                                         const api::Progress& on_progress = {});

// Keys whose cached copy in the state differs from what was observed (changed on the server
// since rtksync last saw them): what --refresh-only records.
std::vector<std::string> stale_copies(const state::State& state, const model::Observed& observed);

// Caches what planning observed, and the protect flags, in the state (one fold).
Result<Unit> refresh_state(state::Store& store, const plan::Plan& plan,
                           const model::Observed* observed);

}  // namespace rtk::apply
