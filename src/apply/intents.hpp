// apply/intents: recovery of creates whose outcome is unknown. Before a POST, apply records
// an intent (key, title, time); an intent still in the state later means the run died or
// the answer was lost. It is resolved by looking the meeting up, never by creating again.
#pragma once

#include <string>
#include <vector>

#include "api/client.hpp"
#include "state/state.hpp"

namespace rtk::apply {

using json = nlohmann::json;

struct IntentResolution {
  std::string key;
  std::string meeting_id;  // "" when no meeting was made: the create never happened
  json object;             // the meeting found (summary)
  std::vector<std::string> notes;
};

// Looks up one intent: meetings with that exact title, created at or after the intent
// (less a minute of clock skew), not bound to another key. Takes the earliest.
api::ApiResult<IntentResolution> resolve_intent(api::Client& client, const state::State& state,
                                                const state::CreateIntent& intent);

// Binds (or drops) every intent in state; returns what happened, for the user.
api::ApiResult<std::vector<IntentResolution>> resolve_intents(api::Client& client,
                                                              state::State& state);

}  // namespace rtk::apply
