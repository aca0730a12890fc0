// config/references: secrets by reference. "${env:NAME}" and "${file:PATH}" inside string
// values are resolved at load time (and again at apply time for saved plans); printed and
// saved forms keep the reference text, never the value.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/json_path.hpp"
#include "model/result.hpp"

namespace rtk::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

bool has_reference(std::string_view text);
// Names of ${env:NAME} references in text whose variable is not set.
std::vector<std::string> missing_env(std::string_view text, const EnvLookup& env);
// Reads ${file:name}: name is relative to root and must stay inside it (no absolute path,
// no escape through .. or a symbolic link); a trailing newline is dropped.
Result<std::string> read_in_repository(const std::string& name, const std::string& root);
// Replaces every occurrence of a referenced value in text by its reference text, for
// messages that may quote a value (a resolved value never reaches a diagnostic).
std::string scrub(std::string text, const std::string& value, const std::string& reference);
// Expands every reference in text. Errors name the missing variable or unreadable file.
Result<std::string> resolve_references(std::string_view text, const std::string& root,
                                       const EnvLookup& env);
// Resolves references in every string of a JSON value.
Result<model::json> resolve_all(const model::json& value, const std::string& root,
                                const EnvLookup& env);

}  // namespace rtk::config
