// model/validate: checks values and request bodies against the field table. The emulator
// uses it to answer 400s, the config layer to report file:line:col diagnostics.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/field_table.hpp"
#include "model/json_path.hpp"

namespace rtk::model {

// The problem with one value for its field (type, enum, range, URL), or nullopt.
std::optional<std::string> check_value(const Field& field, const json& value);
bool is_url(std::string_view text);
std::string describe_json_type(const json& value);

struct Violation {
  std::string path;  // dotted path of the offending field ("" for the body itself)
  std::string message;
  bool error = true;  // false: a warning
};

// Rules that involve more than one field (seeds: audio codec vs VP8, summarize without
// transcription, sftp-only fields on another storage type).
std::vector<Violation> cross_field_rules(const json& meeting);

// What the server sets by itself after a write (seeds and contract: with video codec VP8 the
// audio codec becomes vorbis). The emulator applies it; rtksync never sends such values.
void apply_server_choices(json& meeting);

// Validates a request body for one verb: unknown or not-accepted fields, values, required
// fields and cross-field errors. Empty when the body is acceptable.
std::vector<Violation> validate_body(Resource r, const json& body, Verb verb);

}  // namespace rtk::model
