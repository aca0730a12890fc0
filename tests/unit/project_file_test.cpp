// The project file's key table (config/project_file) against the loader and the schema: every
// key in the table is read by the loader (a wrong value is reported at its line), no other key
// is accepted, the limits' bounds hold, and `schema --project` describes exactly the table.
#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "config/loader.hpp"
#include "config/project_file.hpp"

namespace rtk::config {
namespace {

std::vector<Diagnostic> load_project(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("rtk-project-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "meetings");
  std::ofstream(dir / "rtksync.yaml") << text;
  std::ofstream(dir / "meetings/m.yaml") << "meetings:\n  a: { title: A }\n";
  LoadOptions o;
  o.config_path = (dir / "rtksync.yaml").string();
  o.env = [](const std::string&) { return std::nullopt; };
  auto loaded = load(o);
  std::filesystem::remove_all(dir);
  return loaded.diagnostics.sorted();
}

bool has_error_on_line(const std::vector<Diagnostic>& diags, int line) {
  return std::any_of(diags.begin(), diags.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::Error && d.pos.line == line;
  });
}

TEST(ProjectFile, TheLoaderReadsEveryKeyOfTheTable) {
  // A mapping with an unknown key is wrong for every key: the scalars want a string, include a
  // glob or a list, defaults and limits know no `bogus_key`. A key the loader ignored would
  // pass silently.
  for (const auto& key : project_key_names()) {
    std::string text;
    int line = 1;
    for (const char* target : {"account_id", "app_id"}) {
      if (key == target) continue;
      text += std::string(target) + ": x\n";
      ++line;
    }
    auto diags = load_project(key, text + key + ": { bogus_key: 1 }\n");
    EXPECT_TRUE(has_error_on_line(diags, line))
        << key << " is in the table but its value was not checked";
  }
}

TEST(ProjectFile, KeysOutsideTheTableAreRejectedWithASuggestion) {
  auto diags = load_project("unknown", "account_id: a\napp_id: b\nlimit: {}\n");
  ASSERT_TRUE(has_error_on_line(diags, 3));
  EXPECT_EQ(format(diags.back()),
            diags.back().pos.file +
                ":3:1: error: unknown key limit in project file; did you mean `limits`?");
}

TEST(ProjectFile, LimitsAcceptTheirBoundsOnly) {
  for (const auto& k : limit_keys()) {
    const std::string name = k.name;
    const long top = k.max == LONG_MAX ? 1000000 : k.max;
    auto ok = load_project(
        name, "account_id: a\napp_id: b\nlimits:\n  " + name + ": " + std::to_string(top) + "\n");
    EXPECT_FALSE(has_error_on_line(ok, 4)) << name;
    auto negative = load_project(name, "account_id: a\napp_id: b\nlimits:\n  " + name + ": -1\n");
    EXPECT_TRUE(has_error_on_line(negative, 4)) << name;
    if (k.max != LONG_MAX) {
      auto over = load_project(name, "account_id: a\napp_id: b\nlimits:\n  " + name + ": " +
                                         std::to_string(k.max + 1) + "\n");
      EXPECT_TRUE(has_error_on_line(over, 4)) << name;
    }
    model::SafetyLimits l;
    k.set(l, 7);
    EXPECT_EQ(k.get(l), 7.0) << name << ": set and get disagree";
  }
}

TEST(ProjectFile, TheSchemaDescribesExactlyTheTable) {
  auto schema = project_file_schema();
  EXPECT_EQ(schema["additionalProperties"], false);
  std::vector<std::string> in_schema;
  for (const auto& [key, value] : schema["properties"].items()) {
    in_schema.push_back(key);
    EXPECT_TRUE(value.contains("description")) << key;
  }
  auto names = project_key_names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(in_schema, names);
  const auto& limits = schema["properties"]["limits"];
  EXPECT_EQ(limits["properties"].size(), limit_keys().size());
  EXPECT_EQ(limits["properties"]["max_update_percent"]["maximum"], 100);
  EXPECT_EQ(limits["properties"]["max_deactivations"]["default"],
            model::SafetyLimits{}.max_deactivations);
  EXPECT_EQ(schema["properties"]["state"]["default"], model::Project{}.state_path);
  // defaults takes meeting fields from the field table, and not the meeting-file-only keys.
  const auto& defaults = schema["properties"]["defaults"]["properties"];
  EXPECT_TRUE(defaults.contains("persist_chat"));
  EXPECT_TRUE(defaults.contains("recording_config"));
  EXPECT_FALSE(defaults.contains("participants"));
  EXPECT_FALSE(defaults.contains("import_id"));
}

}  // namespace
}  // namespace rtk::config
