// apply/intents: recovery of creates whose outcome is unknown. Before a POST, apply journals
// an intent (key and a one-time nonce, see model/create_marker); an intent still in the state
// later means the run died or the answer was lost. It is resolved by looking for the nonce,
// never by creating again: found, the meeting is bound; certainly not found, the intent is
// dropped and the meeting is created normally; a failed lookup keeps the intent.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "state/state.hpp"

namespace rtk::apply {

using json = nlohmann::json;

// The meeting the intent's create made, or nullopt when the server has none. Searches for the
// nonce first; when the search shows nothing, reads the whole list (the API does not promise
// what `search` matches), so "nullopt" is an answer, not a guess.
api::ApiResult<std::optional<json>> find_created(api::Api& api, const state::CreateIntent& intent);

struct IntentResolution {
  std::string key;
  std::string meeting_id;  // "" when no meeting was made: the create never happened
  json object;             // the meeting found (a summary)
  std::string note;        // for the user
};

// Looks up every intent (HTTP, no state change). An error means some intent is unresolved:
// it must stay, and its key must not be created.
api::ApiResult<std::vector<IntentResolution>> resolve_intents(api::Api& api,
                                                              const state::State& state);

// Binds the found meetings and drops the resolved intents.
void apply_resolutions(const std::vector<IntentResolution>& resolutions, state::State& state);

}  // namespace rtk::apply
