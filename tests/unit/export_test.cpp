// config/yaml_export: the YAML export writes reads back as exactly what the API holds.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config/yaml_export.hpp"
#include "config/yaml_gate.hpp"

namespace rtk::config {
namespace {

using model::json;

TEST(Export, StringsYamlWouldReadAsAnotherTypeAreQuoted) {
  for (const std::string s :
       {"yes",       "No",          "ON",         "off",      "y",    "n",    "true",
        "False",     "null",        "Null",       "~",        "123",  "007",  "-1",
        "1e3",       ".inf",        "-.inf",      ".nan",     "0x1f", "0o17", "1_000",
        "12:30",     "2026-01-01",  "",           " padded ", "a: b", "a #b", "- x",
        "[x]",       "{x}",         "*alias",     "&anchor",  "!tag", "%dir", "@at",
        "`tick",     "'single'",    "\"double\"", "|",        ">",    "?",    "line\nbreak",
        "tab\there", "back\\slash", "Café ☕ 会議"}) {
    const std::string text = yaml_string(s);
    EXPECT_TRUE(text.front() == '"' || s == "Café ☕ 会議") << s << " -> " << text;
    const std::string doc = "k: " + text + "\n";
    EXPECT_TRUE(check_yaml_syntax(doc).ok()) << doc;
    EXPECT_TRUE(check_yaml_portability(doc).empty()) << doc;
    YAML::Node node = YAML::Load(doc);
    EXPECT_EQ(node["k"].Scalar(), s) << doc;
  }
  for (const std::string plain : {"Weekly Standup", "alice@example.com", "en-US", "a.b/c_d"}) {
    EXPECT_EQ(yaml_string(plain), plain);
  }
}

TEST(Export, ReferencedValuesBecomeReferencesAndEnumsStay) {
  model::DesiredMeeting d;
  d.key = "room";
  d.fields = {{"title", "SECRET-TITLE"}, {"status", "ACTIVE"}};
  d.references["title"] = "${env:TITLE}";
  ExportedMeeting bound{{{"id", "id-1"},
                         {"title", "SECRET-TITLE"},
                         {"status", "ACTIVE"},
                         {"recording_config",
                          {{"file_name_prefix", "pre-SECRET-TITLE"},
                           {"storage_config", {{"type", "aws"}, {"bucket", "b"}}}}}},
                        {},
                        "room",
                        &d,
                        1};
  ExportedMeeting unbound{
      {{"id", "id-2"}, {"title", "SECRET-TITLE"}, {"status", "ACTIVE"}}, {}, "", nullptr, 2};
  std::vector<SecretValue> secrets{{"SECRET-TITLE", "${env:TITLE}"}, {"ACTIVE", "${env:S}"}};
  auto yaml = export_yaml({{bound, unbound}, secrets, "header"});
  EXPECT_EQ(yaml.find("SECRET-TITLE"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("    title: \"${env:TITLE}\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("file_name_prefix: \"pre-${env:TITLE}\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("status: ACTIVE"), std::string::npos) << yaml;  // an enum: not scrubbed
  EXPECT_NE(yaml.find("access_key: \"${env:RTK_ROOM_ACCESS_KEY}\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("import_id: id-2"), std::string::npos) << yaml;  // its title repeats
  EXPECT_EQ(yaml.find("import_id: id-1"), std::string::npos) << yaml;  // bound: has its key
  EXPECT_NE(yaml.find("  env-title:"), std::string::npos) << yaml;     // slug of the reference
  EXPECT_TRUE(check_yaml_syntax(yaml).ok()) << yaml;
}

}  // namespace
}  // namespace rtk::config
