// model/desired: the desired state loaded from YAML, as plain values. Every field remembers
// where it came from so that later layers can point at file:line:col.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/json_path.hpp"

namespace rtk::model {

struct SourcePos {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  int col = 0;
};

// "${env:NAME}" / "${file:PATH}" texts by dotted path: values that came from references are
// secrets wherever they land; everything printed or saved shows these texts instead.
using References = std::map<std::string, std::string>;

struct DesiredParticipant {
  std::string custom_participant_id;
  json fields = json::object();  // API fields (name, picture, preset_name, custom_participant_id)
  References references;         // path -> reference text, for fields that came from one
  std::optional<long> token_rotation;
  SourcePos pos;
};

struct DesiredMeeting {
  std::string key;
  json fields = json::object();                // API fields with resolved values (secrets included)
  References references;                       // dotted path -> "${env:NAME}" text
  std::map<std::string, SourcePos> positions;  // dotted path -> where it was written
  bool protect = false;
  bool allow_duplicate_title = false;  // create even when an unbound same-titled meeting exists
  std::string import_id;  // rtksync only: the meeting `import --by-title` binds this key to
  bool participants_managed = false;  // false when the YAML has no participants key
  // additive: participants the YAML does not list are kept (never removed).
  bool participants_additive = false;
  // Field paths another system owns: a create sets them, later plans never change them.
  std::set<std::string> ignore_changes;
  std::map<std::string, DesiredParticipant> participants;  // by custom_participant_id
  SourcePos pos;

  [[nodiscard]] SourcePos position_of(const std::string& path) const {
    auto it = positions.find(path);
    return it == positions.end() ? pos : it->second;
  }
  // The value at path as it may be printed or saved: the reference text when it came from
  // ${env:...} or ${file:...}, else the value; null when absent.
  [[nodiscard]] json shown(const std::string& path) const {
    if (auto it = references.find(path); it != references.end()) return it->second;
    const json* v = get_path(fields, path);
    return v != nullptr ? *v : json();
  }
};

struct SafetyLimits {
  int max_deactivations = 3;
  double max_participant_removal_percent = 25;
  int min_participant_removals = 5;  // removals above the percentage are allowed up to this
  double max_update_percent = 30;    // of the existing managed meetings (octoDNS-style)...
  int min_updates = 5;               // ...and more than this many: a mass edit
};

// One target of a repository that describes several (rtksync.yaml `environments:`).
struct Environment {
  std::string account_id;
  std::string app_id;
  std::string state_path;                     // "" : .rtksync/state-NAME.json
  std::map<std::string, std::string> values;  // what ${var:NAME} reads in meeting files
};

struct Project {
  std::string root;  // directory of rtksync.yaml
  std::string file;  // path of rtksync.yaml
  std::string account_id;
  std::string app_id;
  std::vector<std::string> include{"meetings/**/*.yaml", "meetings/**/*.yml"};
  bool include_is_default = true;  // no `include:` in the file
  std::string state_path = ".rtksync/state.json";
  json defaults = json::object();
  SafetyLimits limits;
  std::map<std::string, Environment> environments;  // declared in the file, by name
  std::string environment;                          // the selected one ("" : none)
  // The selected environment's values, or nullptr when none is selected.
  [[nodiscard]] const std::map<std::string, std::string>* values() const {
    auto it = environments.find(environment);
    return it == environments.end() ? nullptr : &it->second.values;
  }
};

struct DesiredState {
  std::map<std::string, DesiredMeeting> meetings;  // by key
  std::vector<std::string> files;                  // files read, sorted
  [[nodiscard]] size_t participant_count() const {
    size_t n = 0;
    for (const auto& [k, m] : meetings) n += m.participants.size();
    return n;
  }
};

}  // namespace rtk::model
