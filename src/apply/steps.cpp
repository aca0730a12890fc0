#include "apply/steps.hpp"

#include "api/observe.hpp"
#include "model/field_table.hpp"
#include "plan/diff.hpp"

namespace rtk::apply {

api::ApiResult<std::vector<IntentResolution>> resolve_earlier_creates(api::Api& api,
                                                                      state::State& state) {
  if (state.intents.empty()) return std::vector<IntentResolution>{};
  auto resolved = resolve_intents(api, state);
  if (resolved) apply_resolutions(*resolved, state);
  return resolved;
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

api::ApiResult<Planned> observe_and_plan(api::Api& api, const model::Project& project,
                                         const model::DesiredState& desired,
                                         const state::State& state, plan::Overrides overrides,
                                         api::Refresh refresh, const api::Progress& on_progress) {
  api::ObserveRequest request{.refresh = refresh, .on_progress = on_progress};
  const auto& targets = overrides.targets;
  for (const auto& [key, ms] : state.meetings) {
    if (!targets.empty() && targets.count(key) == 0U) continue;  // --target: not asked for
    auto wanted = desired.meetings.find(key);
    if (wanted == desired.meetings.end()) {  // deactivation needs the summary only
      if (!ms.deactivated) request.also_bound.insert(ms.id);
      continue;
    }
    request.bound[ms.id] = {ms.updated_at, cache_is_complete(state, key, wanted->second)
                                               ? ms.object
                                               : nlohmann::json::object()};
    if (wanted->second.participants_managed) request.participants_of.insert(ms.id);
  }
  auto observed = api::observe(api, request);
  if (!observed) return observed.error();
  Planned out;
  out.observed = std::move(observed).value();
  out.plan = plan::build_plan(
      plan::PlanInput{project, desired, out.observed, state, std::move(overrides)});
  return out;
}

std::vector<std::string> stale_copies(const state::State& state, const model::Observed& observed) {
  std::vector<std::string> out;
  for (const auto& [key, ms] : state.meetings) {
    if (observed.from_cache.count(ms.id) != 0U) continue;
    auto m = observed.meetings.find(ms.id);
    if (m == observed.meetings.end()) continue;
    state::MeetingState fresh = ms;
    fresh.remember(m->second);  // as the state would keep it (referenced values as digests)
    if (fresh.object != ms.object) out.push_back(key);
  }
  return out;
}

Result<Unit> refresh_state(state::Store& store, const plan::Plan& plan,
                           const model::Observed* observed) {
  return store.update_all([&](state::State& s) {
    for (const auto& [key, paths] : plan.referenced) s.referenced[key] = paths;
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
