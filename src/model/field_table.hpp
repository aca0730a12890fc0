// model/field_table: the one declarative description of every meeting and participant
// field in the RealtimeKit API (the contract ../shared/api and the seeds; where they differ,
// docs/api-fidelity.md says which way the table goes and why). Validation, request bodies,
// the emulator, the diff and the JSON Schema all read this table; nothing restates it.
// tests/unit/contract_table_test.cpp compares it with the contract field by field.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtk::model {

enum class Resource { Meeting, Participant };

// The values of a meeting's `status` (the table's enum for it is made of these).
inline constexpr std::string_view kActive = "ACTIVE";
inline constexpr std::string_view kInactive = "INACTIVE";

enum class Kind { Bool, Integer, Number, String, Enum, StringList, Object };

// Which write verbs accept a field. A field no verb accepts is read-only or local.
enum Verb : unsigned { kPost = 1U, kPatch = 2U, kPut = 4U };

enum Flag : unsigned {
  kReadOnly = 1U << 0,   // server-generated (id, created_at, updated_at, token)
  kWriteOnly = 1U << 1,  // accepted on write, never returned (credentials)
  kSecret = 1U << 2,     // never printed, logged or saved (write-only ones too)
  kUrl = 1U << 3,        // must parse as a URL
  kRequired = 1U << 4,   // required when its parent object is given (or on POST)
  kSummary = 1U << 5,    // returned by the list endpoint
  kLocal = 1U << 6,      // rtksync's own config key: never sent to the API
};

struct Field {
  std::string_view path;  // dotted JSON path from the resource root, e.g. "ai_config.summarization"
  Kind kind;
  unsigned verbs;
  unsigned flags;
  std::span<const std::string_view> enum_values;
  std::optional<double> min;
  std::optional<double> max;
  std::string_view default_json;  // server default as JSON text ("" = none)
  std::string_view doc;
  unsigned nullable = 0;  // verbs whose request body may carry null here (null = absent)
  // Values only the server sets and reports (audio codec "vorbis" with video codec VP8): a
  // request may not send them, so bodies and exports leave them out.
  std::span<const std::string_view> server_values{};
  // For storage_config members: the storage types that use this one (empty: every type).
  // A write-only credential a type uses is one a PUT must resend or it is erased.
  std::span<const std::string_view> storage_types = {};

  [[nodiscard]] bool has(Flag f) const { return (flags & f) != 0; }
  [[nodiscard]] bool accepts(Verb v) const { return (verbs & v) != 0; }
  [[nodiscard]] bool accepts_null(Verb v) const { return (nullable & verbs & v) != 0; }
  // The server may report this value, but no request may send it.
  [[nodiscard]] bool server_chosen(const nlohmann::json& value) const;
  // A configuration may say `null` here to remove the value (a nested object, or a field the
  // API lets a request clear).
  [[nodiscard]] bool removable() const;
  [[nodiscard]] bool used_by_storage(std::string_view type) const;
  [[nodiscard]] std::string_view name() const;    // last path segment
  [[nodiscard]] std::string_view parent() const;  // "" for top level
};

std::span<const Field> fields(Resource r);
const Field* find_field(Resource r, std::string_view path);
// Direct children of an object path ("" for the resource root), in table order.
std::vector<const Field*> children(Resource r, std::string_view parent_path);
// The children of parent_path a create (POST) requires (kRequired), in table order.
std::vector<std::string_view> required_on_create(Resource r, std::string_view parent_path);
std::string_view kind_name(Kind k);

// Joins a dotted parent path and a child name.
std::string join_path(std::string_view parent, std::string_view name);

}  // namespace rtk::model
