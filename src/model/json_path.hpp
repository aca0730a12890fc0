// model/json_path: reading and writing nested JSON values by the field table's dotted paths.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rtk::model {

using json = nlohmann::json;

// The value at a dotted path, or nullptr when any step is missing or not an object.
const json* get_path(const json& root, std::string_view path);
// Sets the value at a dotted path, creating intermediate objects.
void set_path(json& root, std::string_view path, json value);
// The string at a dotted path, or "" when it is missing, null (removed) or not a string.
std::string string_at(const json& root, std::string_view path);
// Removes the value at a dotted path (no-op when missing).
void erase_path(json& root, std::string_view path);
// The value with every null member removed, at any depth (a create has nothing to remove; the
// emulator reads a null in a body as "absent" and never stores one).
json without_nulls(const json& value);

}  // namespace rtk::model
