#include "api/observe.hpp"

#include <mutex>
#include <optional>

#include "api/client.hpp"
#include "model/projection.hpp"

namespace rtk::api {
namespace {

struct Plan {
  std::vector<std::string> get;      // full GETs
  std::vector<std::string> confirm;  // absent from the list: does it still exist?
};

Plan what_to_get(const ObserveRequest& request, const std::map<std::string, const json*>& by_id,
                 model::Observed& out) {
  Plan p;
  for (const auto& [id, bound] : request.bound) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      p.confirm.push_back(id);
    } else if (request.refresh == Refresh::Changed && !bound.updated_at.empty() &&
               it->second->value("updated_at", "") == bound.updated_at &&
               bound.cached.is_object() && !bound.cached.empty()) {
      out.meetings[id] = bound.cached;  // unchanged since the state saw it: no GET
      out.from_cache.insert(id);
    } else {
      p.get.push_back(id);
    }
  }
  for (const auto& id : request.also_bound) {
    if (by_id.count(id) == 0U && request.bound.count(id) == 0U) p.confirm.push_back(id);
  }
  return p;
}

ApiError malformed_get(const std::string& id) {
  ApiError e;
  e.kind = ApiError::Kind::Malformed;
  e.method = "GET";
  e.path = "/meetings/" + id;
  e.detail = "a success answer without the meeting";
  return e;
}

}  // namespace

ApiResult<model::Observed> observe(Api& api, const ObserveRequest& request) {
  model::Observed out;
  auto list = api.list_meetings(ListQuery{});
  if (!list) return list.error();
  out.summaries = std::move(list).value();
  std::map<std::string, const json*> by_id;
  for (const auto& s : out.summaries) by_id[s.value("id", "")] = &s;
  const Plan plan = what_to_get(request, by_id, out);
  out.every_bound_fetched = request.refresh == Refresh::Full;
  const std::vector<std::string> to_list(request.participants_of.begin(),
                                         request.participants_of.end());
  const size_t gets = plan.get.size() + plan.confirm.size();

  // One pool for every kind of request, so none waits for another kind to finish.
  std::mutex mu;
  std::optional<ApiError> failure;
  std::vector<json> confirmed;  // summaries of meetings the list did not show
  const size_t total = gets + to_list.size();
  size_t done = 0;
  auto finished_one = [&] {  // under mu
    if (request.on_progress) request.on_progress(++done, total);
  };
  parallel_for(total, api.parallelism(), [&](size_t i) {
    if (i < gets) {
      const bool confirming = i >= plan.get.size();
      const std::string& id = confirming ? plan.confirm[i - plan.get.size()] : plan.get[i];
      auto got = api.get_meeting(id);
      std::lock_guard lock(mu);
      finished_one();
      if (got && !got->is_object()) {
        if (!failure) failure = malformed_get(id);
      } else if (got) {
        if (confirming) confirmed.push_back(model::summary_of(model::Resource::Meeting, *got));
        out.meetings[id] = std::move(got).value();
      } else if (!got && got.error().not_found()) {
        out.missing.insert(id);
      } else if (!failure) {
        failure = got.error();
      }
      return;
    }
    const auto& id = to_list[i - gets];
    auto people = api.list_participants(id);
    std::lock_guard lock(mu);
    finished_one();
    if (people) {
      out.participants[id] = std::move(people).value();
    } else if (people.error().not_found()) {
      out.missing.insert(id);
    } else if (!failure) {
      failure = people.error();
    }
  });
  if (failure) return *failure;
  for (auto& s : confirmed) out.summaries.push_back(std::move(s));
  for (const auto& id : out.missing) out.participants.erase(id);
  return out;
}

}  // namespace rtk::api
