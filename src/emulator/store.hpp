// emulator/store: the emulator's data and the API semantics of seed 001, without HTTP:
// every endpoint is a method that takes parsed input and returns the status and JSON body
// the real API would. Thread-safe. Validation comes from the shared model.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtk::emulator {

using json = nlohmann::json;

struct Reply {
  int status = 200;
  json body;
};

struct Target {
  std::string account_id;
  std::string app_id;
};

using Query = std::map<std::string, std::string>;

// Behaviours the reference allows but does not promise (`--quirk NAME`). rtksync must converge,
// lose nothing and duplicate nothing under each (tests/e2e/matrix_test.cpp).
struct Quirks {
  bool coarse_updated_at = false;  // coarse-updated-at: updated_at moves only when a top-level
                                   // scalar changes, not for nested or participant changes
  bool hide_inactive = false;      // hide-inactive: the list omits INACTIVE meetings unless
                                   // status=INACTIVE is asked for
  bool no_data = false;            // no-data: write answers are {"success":true} without data
  bool nested_defaults = false;    // nested-defaults: the server fills defaults into nested
                                   // objects (e.g. word_limit 500 in a given summarization)
  bool patch_merge = false;        // patch-merge: PATCH merges nested objects key by key
};

// Parses a --quirk name into quirks; false for an unknown name.
bool set_quirk(Quirks& q, const std::string& name);
inline constexpr const char* kQuirkNames =
    "coarse-updated-at, hide-inactive, no-data, nested-defaults, patch-merge";

struct StoreOptions {
  int max_per_page = 100;
  uint64_t seed = 1;
  std::set<std::pair<std::string, std::string>> apps;  // known (account, app) pairs
  Quirks quirks;
};

// RealtimeKit's error envelope.
Reply error_reply(int status, const std::string& message);

class Store {
 public:
  explicit Store(StoreOptions options);

  Reply list_meetings(const Target& t, const Query& q);
  Reply create_meeting(const Target& t, const std::string& body);
  Reply get_meeting(const Target& t, const std::string& meeting_id);
  Reply patch_meeting(const Target& t, const std::string& meeting_id, const std::string& body);
  Reply put_meeting(const Target& t, const std::string& meeting_id, const std::string& body);

  Reply list_participants(const Target& t, const std::string& meeting_id, const Query& q);
  Reply add_participant(const Target& t, const std::string& meeting_id, const std::string& body);
  Reply get_participant(const Target& t, const std::string& meeting_id, const std::string& pid);
  Reply edit_participant(const Target& t, const std::string& meeting_id, const std::string& pid,
                         const std::string& body);
  Reply replace_participant(const Target& t, const std::string& meeting_id, const std::string& pid,
                            const std::string& body);
  Reply delete_participant(const Target& t, const std::string& meeting_id, const std::string& pid);
  Reply refresh_token(const Target& t, const std::string& meeting_id, const std::string& pid);

  [[nodiscard]] json dump() const;
  void load(const json& data);
  void clear();

 private:
  struct Participant {
    json data;  // includes token
  };
  struct Meeting {
    json data;  // full object, write-only fields included
    std::vector<std::string> participant_order;
    std::map<std::string, Participant> participants;  // by server id
  };
  using App = std::map<std::string, Meeting>;  // by meeting id

  App* find_app(const Target& t);
  Meeting* find_meeting(const Target& t, const std::string& id, Reply& err);
  static Participant* find_participant(Meeting& m, const std::string& pid, Reply& err);
  std::string now_iso();
  std::string new_uuid();
  std::string new_token();
  Reply page(const std::vector<json>& items, const Query& q) const;
  // A write's answer: the object, or no data at all under the no-data quirk.
  [[nodiscard]] Reply written(json data, int status = 200) const;
  // What the server keeps after a meeting write: nested defaults (quirk), server choices.
  void settle(json& meeting) const;
  // Moves updated_at for a change from before to after (every change, or under the
  // coarse-updated-at quirk only a change of a top-level scalar).
  void touch(json& after, const json& before);

  StoreOptions options_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  int64_t last_ms_ = 0;
  std::map<std::pair<std::string, std::string>, App> apps_;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> creation_order_;
};

}  // namespace rtk::emulator
