// model/projection: table-driven views of a resource's JSON: what a verb accepts, what the
// list endpoint shows, what the server returns, and the redacted form every printer uses.
#pragma once

#include <functional>
#include <string>

#include "model/field_table.hpp"
#include "model/json_path.hpp"

namespace rtk::model {

inline constexpr const char* kSensitive = "(sensitive)";

// Keeps the fields for which keep(field) is true; unknown fields are kept only when
// keep_unknown is set. Objects recurse.
json project(Resource r, const json& value, const std::function<bool(const Field&)>& keep,
             bool keep_unknown = false);

// The body a verb accepts, from a full or partial object: fields the verb takes, without
// values only the server chooses, and null only where the verb accepts null (elsewhere a
// null is left out, which a PUT reads as "remove").
json body_for(Resource r, const json& value, Verb verb);
// The object without values only the server chooses (what a configuration may say).
json without_server_chosen(Resource r, const json& value);
// What the list endpoint returns for one item.
json summary_of(Resource r, const json& value);
// The object without write-only fields (what GET returns).
json without_write_only(Resource r, const json& value);
// Every table default filled in inside the nested objects value has (what a server that
// completes nested objects reports); top-level fields and absent objects are left alone.
json with_nested_defaults(Resource r, const json& value);
// The object without any secret field (what the state file may keep).
json without_secrets(Resource r, const json& value);
// Every secret field replaced by "(sensitive)"; unknown fields kept. One function serves
// every output path: text, JSON, markdown, logs, plan files.
json redact(Resource r, const json& value);

// Calls fn(field, value) for each leaf (non-object) field present in value, in table order.
void for_each_leaf(Resource r, const json& value,
                   const std::function<void(const Field&, const json&)>& fn);

}  // namespace rtk::model
