// state/state: the state file: key -> meeting id, the last seen updated_at and object (so an
// unchanged meeting needs no GET), digests of write-only values, token rotations, protect
// flags, participants whose join tokens were never delivered, and intents for creates in
// flight. JSON, sorted and indented (teams commit it), written atomically (temp file, fsync,
// rename, fsync dir). Changes during an apply go to an append-only journal beside it
// (state/journal), folded into the file at the end of the run and at the next start.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/json_path.hpp"
#include "model/result.hpp"

namespace rtk::state {

using json = nlohmann::json;

inline constexpr int kStateVersion = 1;

struct MeetingState {
  std::string id;
  std::string updated_at;
  json object = json::object();  // last observed full object
  bool protect = false;
  bool deactivated = false;                     // deactivated by rtksync (key left the YAML)
  std::map<std::string, std::string> digests;   // write-only path -> salted digest
  std::map<std::string, long> token_rotations;  // custom_participant_id -> last rotation
  // Participants whose current join token was issued but never written to a tokens file
  // (the run died, the answer had no token, or the write failed): the next apply rotates them.
  std::set<std::string> undelivered_tokens;

  // Keeps an observed meeting as the cache: its updated_at, and the object without any
  // secret field (the file is committed).
  void remember(const json& observed);
};

// A create in flight: journaled before the POST, dropped when its outcome is known. The
// nonce is carried in the new meeting's title (model/create_marker) so that a lookup finds
// exactly the meeting this create made, whatever the clocks say.
struct CreateIntent {
  std::string key;
  std::string nonce;
  std::string title;       // the desired title, for messages
  std::string started_at;  // ISO time, UTC; for people only, never compared
};

struct State {
  int version = kStateVersion;
  std::string account_id;
  std::string app_id;
  std::string salt;
  std::map<std::string, MeetingState> meetings;  // by key
  std::vector<CreateIntent> intents;

  [[nodiscard]] const MeetingState* find(const std::string& key) const {
    auto it = meetings.find(key);
    return it == meetings.end() ? nullptr : &it->second;
  }
  // The key bound to a meeting id, or "".
  [[nodiscard]] std::string key_of(const std::string& id) const;
  void drop_intent(const std::string& key);
};

json to_json(const State& s);
Result<State> from_json(const json& j);
json to_json(const MeetingState& m);
MeetingState meeting_from_json(const json& m);
json to_json(const CreateIntent& i);
CreateIntent intent_from_json(const json& i);

// A missing file is an empty state for (account, app); another target's state is refused.
// A journal left beside the file by an interrupted apply is replayed onto it (in memory).
Result<State> load(const std::string& path, const std::string& account_id,
                   const std::string& app_id);
// Atomic replace: temp file in the same directory, fsync, rename, fsync the directory.
Result<Unit> save(const std::string& path, State& s);
// Writes text atomically to path with the given mode (used for state and tokens files).
Result<Unit> write_atomically(const std::string& path, const std::string& text, unsigned mode);
std::string now_iso();

}  // namespace rtk::state
