#include "apply/steps.hpp"

#include "api/observe.hpp"
#include "plan/diff.hpp"

namespace rtk::apply {

api::ApiResult<std::vector<IntentResolution>> resolve_earlier_creates(api::Api& api,
                                                                      state::State& state) {
  if (state.intents.empty()) return std::vector<IntentResolution>{};
  auto resolved = resolve_intents(api, state);
  if (resolved) apply_resolutions(*resolved, state);
  return resolved;
}

api::ApiResult<Planned> observe_and_plan(api::Api& api, const model::Project& project,
                                         const model::DesiredState& desired,
                                         const state::State& state, bool allow_removals) {
  api::ObserveRequest request;
  for (const auto& [key, ms] : state.meetings) {
    auto wanted = desired.meetings.find(key);
    if (wanted == desired.meetings.end()) {  // deactivation needs the summary only
      if (!ms.deactivated) request.also_bound.insert(ms.id);
      continue;
    }
    request.bound[ms.id] = {ms.updated_at, ms.object};
    if (wanted->second.participants_managed) request.participants_of.insert(ms.id);
  }
  auto observed = api::observe(api, request);
  if (!observed) return observed.error();
  Planned out;
  out.observed = std::move(observed).value();
  out.plan =
      plan::build_plan(plan::PlanInput{project, desired, out.observed, state, allow_removals});
  return out;
}

Result<Unit> refresh_state(state::Store& store, const plan::Plan& plan,
                           const model::Observed* observed) {
  return store.update_all([&](state::State& s) {
    for (auto& [key, ms] : s.meetings) {
      auto p = plan.protect.find(key);
      if (p != plan.protect.end()) ms.protect = p->second;
      if (observed == nullptr || observed->from_cache.count(ms.id) != 0U) continue;
      auto m = observed->meetings.find(ms.id);
      if (m == observed->meetings.end()) continue;
      ms.remember(m->second);
    }
  });
}

}  // namespace rtk::apply
