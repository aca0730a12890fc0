#include "apply/intents.hpp"
#include "model/create_marker.hpp"
#include "model/json_path.hpp"

namespace rtk::apply {
namespace {

std::optional<json> carrying(const std::vector<json>& meetings, const std::string& nonce) {
  for (const auto& m : meetings) {
    if (model::create_nonce_of(model::string_at(m, "title")) == nonce) return m;
  }
  return std::nullopt;
}

api::ApiError unresolvable(const state::CreateIntent& intent) {
  api::ApiError e;
  e.kind = api::ApiError::Kind::OutcomeUnknown;
  e.method = "POST";
  e.path = "/meetings";
  e.detail = "meeting " + intent.key +
             ": an interrupted create from an older rtksync carries no marker, so the meeting "
             "it may have made cannot be told apart from others titled \"" +
             intent.title + "\". Look for it by hand: `rtksync import " + intent.key +
             " ID` binds it; if none exists, remove the intent from the state file";
  return e;
}

}  // namespace

api::ApiResult<std::optional<json>> find_created(api::Api& api, const state::CreateIntent& intent) {
  if (intent.nonce.empty()) return unresolvable(intent);
  auto searched = api.list_meetings(api::ListQuery{.search = intent.nonce});
  if (!searched) return searched.error();
  if (auto found = carrying(*searched, intent.nonce)) return found;
  auto all = api.list_meetings(api::ListQuery{});
  if (!all) return all.error();
  return carrying(*all, intent.nonce);
}

api::ApiResult<std::vector<IntentResolution>> resolve_intents(api::Api& api,
                                                              const state::State& state) {
  std::vector<IntentResolution> out;
  for (const auto& intent : state.intents) {
    auto found = find_created(api, intent);
    if (!found) {
      auto e = found.error();
      e.detail = "cannot tell whether an interrupted create of meeting " + intent.key +
                 " took effect, so it is neither bound nor created again (" + e.detail + ")";
      return e;
    }
    IntentResolution r{.key = intent.key};
    if (*found) {
      r.meeting_id = (**found).value("id", "");
      r.object = **found;
      r.note = "meeting " + intent.key + ": an interrupted create had succeeded; bound id " +
               r.meeting_id + " (found by its create marker) instead of creating it again";
    } else {
      r.note = "meeting " + intent.key +
               ": an interrupted create made no meeting; it will be created normally";
    }
    out.push_back(std::move(r));
  }
  return out;
}

void apply_resolutions(const std::vector<IntentResolution>& resolutions, state::State& state) {
  for (const auto& r : resolutions) {
    if (!r.meeting_id.empty()) {
      auto& ms = state.meetings[r.key];
      ms.id = r.meeting_id;
      ms.updated_at.clear();  // forces a GET: the summary is not the whole object
      ms.object = json::object();
    }
    state.drop_intent(r.key);
  }
}

}  // namespace rtk::apply
