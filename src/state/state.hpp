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
  std::map<std::string, std::string> digests;   // secret or referenced path -> salted digest
  std::map<std::string, long> token_rotations;  // custom_participant_id -> last rotation
  // Participants whose current join token was issued but never written to a tokens file
  // (the run died, the answer had no token, or the write failed): the next apply rotates them.
  std::set<std::string> undelivered_tokens;

  // Keeps an observed meeting as the cache: its updated_at, and the object without any
  // secret field (the file is committed; referenced values are dropped when it is written).
  void remember(const json& observed);
  // After a POST, PATCH or PUT: records a salted digest of every secret field and every value
  // that came from a reference in what was sent (sent: the body with reference texts;
  // resolved: the same body as sent over the wire), and drops them from the cache. A PUT
  // (replaces) erases write-only fields it did not carry, so their digests go too.
  void record_sent(const std::string& salt, const json& sent, const json& resolved, bool replaces);
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
  // key -> paths whose values come from ${env:...}/${file:...} references in the
  // configuration: secrets wherever they land. The file never holds such a value: when it is
  // written, a cached one is replaced by its salted digest (what the plan compares).
  std::map<std::string, std::set<std::string>> referenced;

  [[nodiscard]] const MeetingState* find(const std::string& key) const {
    auto it = meetings.find(key);
    return it == meetings.end() ? nullptr : &it->second;
  }
  // The key bound to a meeting id, or "".
  [[nodiscard]] std::string key_of(const std::string& id) const;
  void drop_intent(const std::string& key);
};

// The file's content: referenced values of cached objects become salted digests.
json to_json(const State& s);
Result<State> from_json(const json& j);
json to_json(const MeetingState& m);
// The meeting as the file may hold it: each referenced value it caches becomes a digest.
MeetingState without_referenced(MeetingState ms, const std::set<std::string>& paths,
                                const std::string& salt);
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
