#include "apply/intents.hpp"

#include <algorithm>
#include <ctime>

namespace rtk::apply {
namespace {

// ISO time minus a minute, compared as text (same fixed format).
std::string minus_a_minute(const std::string& iso) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return iso;
  std::time_t t = timegm(&tm) - 60;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

api::ApiResult<IntentResolution> resolve_intent(api::Client& client, const state::State& state,
                                                const state::CreateIntent& intent) {
  IntentResolution out;
  out.key = intent.key;
  auto found = client.list_meetings({intent.title, ""});
  if (!found) return found.error();
  std::vector<json> candidates;
  const std::string since = minus_a_minute(intent.started_at);
  for (const auto& m : *found) {
    std::string id = m.value("id", "");
    if (m.value("title", "") != intent.title || !state.key_of(id).empty()) continue;
    if (m.value("created_at", "") < since) continue;
    candidates.push_back(m);
  }
  std::sort(candidates.begin(), candidates.end(), [](const json& a, const json& b) {
    return a.value("created_at", "") < b.value("created_at", "");
  });
  if (candidates.empty()) {
    out.notes.push_back("meeting " + intent.key +
                        ": an interrupted create left no meeting; it "
                        "will be created normally");
    return out;
  }
  out.meeting_id = candidates.front().value("id", "");
  out.object = candidates.front();
  out.notes.push_back("meeting " + intent.key +
                      ": an interrupted create had succeeded; bound "
                      "to id " +
                      out.meeting_id + " instead of creating it again");
  for (size_t i = 1; i < candidates.size(); ++i) {
    out.notes.push_back("meeting " + intent.key +
                        ": another unbound meeting with the same title "
                        "was created after the intent (id " +
                        candidates[i].value("id", "") + "); check it by hand");
  }
  return out;
}

api::ApiResult<std::vector<IntentResolution>> resolve_intents(api::Client& client,
                                                              state::State& state) {
  std::vector<IntentResolution> out;
  for (const auto& intent : state.intents) {
    auto r = resolve_intent(client, state, intent);
    if (!r) return r.error();
    if (!r->meeting_id.empty()) {
      auto& ms = state.meetings[intent.key];
      ms.id = r->meeting_id;
      ms.updated_at.clear();  // forces a GET: the summary is not the whole object
      ms.object = json::object();
    }
    out.push_back(std::move(r).value());
  }
  state.intents.clear();
  return out;
}

}  // namespace rtk::apply
