#include "api/observe.hpp"

#include <mutex>
#include <set>

#include "model/projection.hpp"

namespace rtk::api {

ApiResult<model::Observed> observe(Client& client, const ObserveRequest& request) {
  model::Observed out;
  auto list = client.list_meetings();
  if (!list) return list.error();
  out.summaries = std::move(list).value();
  std::map<std::string, const json*> by_id;
  for (const auto& s : out.summaries) by_id[s.value("id", "")] = &s;

  std::vector<std::string> to_get;
  std::set<std::string> unlisted;  // bound but not listed: gone, or hidden (a GET decides)
  for (const auto& [id, bound] : request.bound) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      unlisted.insert(id);
      to_get.push_back(id);
    } else if (!request.full_refresh && !bound.updated_at.empty() &&
               it->second->value("updated_at", "") == bound.updated_at &&
               bound.cached.is_object() && !bound.cached.empty()) {
      out.meetings[id] = bound.cached;  // unchanged since the state saw it: no GET
      out.from_cache.insert(id);
    } else {
      to_get.push_back(id);
    }
  }
  std::vector<std::string> to_list(request.participants_of.begin(), request.participants_of.end());
  // One pool for both kinds of request, so neither waits for the other to finish.
  std::mutex mu;
  std::optional<ApiError> failure;
  parallel_for(to_get.size() + to_list.size(), client.parallelism(), [&](size_t i) {
    if (i < to_get.size()) {
      auto got = client.get_meeting(to_get[i]);
      std::lock_guard lock(mu);
      if (got && unlisted.count(to_get[i]) != 0U) {  // hidden from the list, not gone
        out.summaries.push_back(model::summary_of(model::Resource::Meeting, *got));
      }
      if (got) {
        out.meetings[to_get[i]] = std::move(got).value();
      } else if (got.error().not_found()) {
        out.missing.insert(to_get[i]);
      } else if (!failure) {
        failure = got.error();
      }
      return;
    }
    const auto& id = to_list[i - to_get.size()];
    auto people = client.list_participants(id);
    std::lock_guard lock(mu);
    if (people) {
      out.participants[id] = std::move(people).value();
    } else if (people.error().not_found()) {
      out.missing.insert(id);
    } else if (!failure) {
      failure = people.error();
    }
  });
  if (failure) return *failure;
  return out;
}

}  // namespace rtk::api
