// The loader, the JSON Schema and the field table agree (issue 14): every field a meeting file
// may set is in the schema at its path with its kind, the schema has nothing the table does
// not, and the loader takes every such field without calling it unknown.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "config/loader.hpp"
#include "model/field_table.hpp"
#include "model/json_schema.hpp"
#include "support/json_types.hpp"

namespace rtk::model {
namespace {

// Fields a meeting file may set: writable or rtksync's own (local).
bool settable(const Field& f) {
  return !f.has(kReadOnly) && (f.verbs != 0 || f.has(kLocal));
}

// The schema node of a dotted path under a resource's object schema.
const json* schema_at(const json& object, std::string_view path) {
  const json* node = &object;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string seg(path.substr(start, dot - start));
    if (!node->contains("properties") || !(*node)["properties"].contains(seg)) return nullptr;
    node = &(*node)["properties"][seg];
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

std::string type_of(Kind k) {
  return testing::json_type(k);
}

bool has_type(const json& node, const std::string& type) {
  const json& t = node["type"];
  return t.is_string() ? t == type : std::find(t.begin(), t.end(), type) != t.end();
}

// Every property path of an object schema ("a", "a.b", ...).
void paths_of(const json& object, const std::string& prefix, std::set<std::string>& out) {
  if (!object.contains("properties")) return;
  for (const auto& [name, node] : object["properties"].items()) {
    const std::string path = prefix.empty() ? name : prefix + "." + name;
    out.insert(path);
    paths_of(node, path, out);
  }
}

void expect_schema_matches_table(Resource r, const json& object,
                                 const std::set<std::string>& extras) {
  std::set<std::string> from_table;
  for (const auto& f : fields(r)) {
    if (!settable(f)) continue;
    from_table.insert(std::string(f.path));
    const json* node = schema_at(object, f.path);
    ASSERT_NE(node, nullptr) << f.path << " is in the table, not the schema";
    EXPECT_TRUE(has_type(*node, type_of(f.kind))) << f.path << ": " << node->dump();
    if (f.kind == Kind::Enum) {
      for (auto v : f.enum_values)
        EXPECT_NE(std::find((*node)["enum"].begin(), (*node)["enum"].end(), v),
                  (*node)["enum"].end())
            << f.path << " " << v;
    }
  }
  std::set<std::string> from_schema;
  paths_of(object, "", from_schema);
  for (const auto& p : from_schema) {
    const bool extra = extras.count(p.substr(0, p.find('.'))) != 0U;
    EXPECT_TRUE(extra || from_table.count(p) != 0U) << p << " is in the schema, not the table";
  }
}

TEST(SchemaTable, TheSchemaHasExactlyTheTablesSettableFields) {
  const json schema = meeting_file_schema();
  const json& meeting = schema["properties"]["meetings"]["additionalProperties"];
  expect_schema_matches_table(
      Resource::Meeting, meeting,
      {"participants", "import_id", "ignore_changes", "participants_policy"});
  const json& participant = meeting["properties"]["participants"]["items"];
  expect_schema_matches_table(Resource::Participant, participant, {});
  std::vector<std::string> required;
  for (auto name : required_on_create(Resource::Participant, "")) required.emplace_back(name);
  EXPECT_EQ(participant["required"], json(required));
}

// A YAML value of the field's kind.
std::string sample(const Field& f) {
  switch (f.kind) {
    case Kind::Bool:
      return "true";
    case Kind::Integer:
    case Kind::Number:
      return std::to_string(static_cast<long>(f.min.value_or(1)));
    case Kind::Enum:
      return std::string(f.enum_values.front());
    case Kind::StringList:
      return "[x]";
    case Kind::String:
      return f.has(kUrl) ? "https://example.com/x" : "x";
    case Kind::Object:
      return "{}";
  }
  return "x";
}

// The YAML of one meeting setting path (nested as maps), indented under `meetings: m:`.
std::string meeting_setting(std::string_view path, const std::string& value) {
  std::string out = "meetings:\n  m:\n";
  std::string indent = "    ";
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    out += indent + std::string(path.substr(start, dot - start)) + ":";
    if (dot == std::string_view::npos) return out + " " + value + "\n";
    out += "\n";
    indent += "  ";
    start = dot + 1;
  }
}

TEST(SchemaTable, TheLoaderTakesEverySettableMeetingField) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "rtk-schema-table";
  std::filesystem::create_directories(dir / "meetings");
  std::ofstream(dir / "rtksync.yaml") << "account_id: a\napp_id: b\n";
  for (const auto& f : fields(Resource::Meeting)) {
    if (!settable(f) || f.kind == Kind::Object) continue;
    std::ofstream(dir / "meetings/m.yaml") << meeting_setting(f.path, sample(f));
    config::LoadOptions o;
    o.config_path = (dir / "rtksync.yaml").string();
    auto loaded = config::load(o);
    for (const auto& d : loaded.diagnostics.sorted()) {
      EXPECT_EQ(d.message.find("unknown"), std::string::npos) << f.path << ": " << d.message;
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rtk::model
