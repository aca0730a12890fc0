// config/yaml_export: meeting files for meetings that already exist (`rtksync export`), as a
// pure function of what the API returned, the state's bindings and the configuration. The
// output reads back as exactly what was exported: every string YAML would take for another
// type is quoted, write-only credentials become ${env:...} placeholders, values that came
// from references in the configuration stay references, and where titles repeat the meeting
// id is written as `import_id` so that `rtksync import --by-title` binds exactly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/references.hpp"
#include "model/desired.hpp"

namespace rtk::config {

struct ExportedMeeting {
  model::json meeting;                             // the full object (GET)
  std::vector<model::json> participants;           // its participants (listed)
  std::string bound_key;                           // the state's key for it, or "" (unbound)
  const model::DesiredMeeting* desired = nullptr;  // the configuration's view of bound_key
  int same_title = 1;                              // meetings on the server with its title
};

// A value that came from a reference, and the reference text it came from.
struct SecretValue {
  std::string value;
  std::string reference;
};

struct ExportInput {
  std::vector<ExportedMeeting> meetings;
  std::vector<SecretValue> secrets;  // never written: replaced by their references
  std::string header;                // first comment line
};

std::string export_yaml(const ExportInput& input);

// A string as a YAML scalar that reads back as that same string (YAML 1.1 and 1.2): plain
// when safe, double-quoted otherwise ("yes", "123", "007", "null", "~", "1e3", ".inf", "").
std::string yaml_string(const std::string& s);

// The values of a configuration's references, each with the text it came from (whole field
// values and each ${...} on its own), for scrubbing them from anything exported.
std::vector<SecretValue> secret_values(const model::DesiredState& desired, const std::string& root,
                                       const EnvLookup& env);

}  // namespace rtk::config
