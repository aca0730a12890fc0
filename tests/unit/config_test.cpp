// The config layer: every diagnostic class with its exact file:line:col and message,
// secrets by reference, defaults, globbing, the example repos, and a fuzz-style test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "config/glob.hpp"
#include "config/loader.hpp"
#include "config/references.hpp"
#include "config/yaml_fields.hpp"
#include "model/printable.hpp"

namespace rtk::config {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct Parsed {
  model::DesiredState desired;
  std::vector<std::string> lines;  // formatted diagnostics, sorted
};

Parsed parse(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  Parsed out;
  Diagnostics diags;
  model::Project project;
  project.root = ".";
  load_meeting_text(yaml, "m.yaml", project, fake_env(std::move(env)), out.desired, diags);
  for (const auto& d : diags.sorted()) out.lines.push_back(format(d));
  return out;
}

std::vector<std::string> diags_of(const std::string& yaml) {
  return parse(yaml).lines;
}

// A fresh project directory under the test's temporary directory: `meetings/` and an
// rtksync.yaml holding project_yaml. Load options for it in options_for.
std::filesystem::path fresh_project(
    const std::string& name, const std::string& project_yaml = "account_id: a\napp_id: b\n") {
  auto dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "meetings");
  std::ofstream(dir / "rtksync.yaml") << project_yaml;
  return dir;
}

LoadOptions options_for(const std::filesystem::path& dir) {
  LoadOptions o;
  o.config_path = (dir / "rtksync.yaml").string();
  o.env = fake_env({});
  return o;
}

TEST(Config, ValidMeetingLoadsWithPositions) {
  auto p = parse(R"(meetings:
  standup:
    title: Standup
    session_keep_alive_time_in_secs: 120
    ai_config:
      transcription: { language: de, keywords: [a, b] }
    participants:
      - custom_participant_id: alice
        preset_name: host
        token_rotation: 2
)");
  EXPECT_TRUE(p.lines.empty());
  const auto& m = p.desired.meetings.at("standup");
  EXPECT_EQ(m.fields["title"], "Standup");
  EXPECT_EQ(m.fields["session_keep_alive_time_in_secs"], 120);
  EXPECT_EQ(m.fields["ai_config"]["transcription"]["keywords"], (model::json{"a", "b"}));
  EXPECT_EQ(m.position_of("title").line, 3);
  EXPECT_EQ(m.position_of("title").col, 12);
  EXPECT_TRUE(m.participants_managed);
  ASSERT_EQ(m.participants.count("alice"), 1U);
  EXPECT_EQ(m.participants.at("alice").token_rotation, 2);
  EXPECT_FALSE(m.participants.at("alice").fields.contains("token_rotation"));
}

TEST(Config, YamlSyntaxError) {
  EXPECT_EQ(diags_of("meetings:\n  a:\n    title: [oops\n"),
            (std::vector<std::string>{
                "m.yaml:4:1: error: YAML syntax: flow sequence without a closing bracket"}));
}

// What a hostile tester found (issue 12's new reader, attacked): each one read silently wrong,
// pointed nowhere, or printed raw control characters.
TEST(Config, LeadingZerosAreRefusedNotReadAsDecimalOrOctal) {
  auto d = diags_of(
      "meetings:\n  a:\n    session_keep_alive_time_in_secs: 0400\n"
      "    ai_config: { summarization: { word_limit: 1e3 } }\n");
  ASSERT_EQ(d.size(), 2U) << ::testing::PrintToString(d);
  EXPECT_NE(d[0].find("m.yaml:3:38: error: expected a number for session_keep_alive_time_in_secs, "
                      "got 0400: with a leading zero, YAML 1.1 tools (PyYAML) read an octal"),
            std::string::npos)
      << d[0];
  EXPECT_NE(d[1].find("got 1e3 (write a whole number as plain digits)"), std::string::npos) << d[1];
}

TEST(Config, AnEmptyValueIsReportedWhereItsKeyIs) {
  EXPECT_EQ(diags_of("meetings:\n  a:\n  b: { title: B }\n"),
            (std::vector<std::string>{
                "m.yaml:2:3: error: expected a mapping for meeting a, got nothing"}));
}

TEST(Config, AnEmptyParticipantsListIsAnErrorNotARemovalOfEveryone) {
  auto d = diags_of("meetings:\n  a:\n    title: A\n    participants:\n    #  - alice\n");
  ASSERT_EQ(d.size(), 1U) << ::testing::PrintToString(d);
  EXPECT_NE(d[0].find("error: participants is empty: write `participants: []`"), std::string::npos)
      << d[0];
  EXPECT_TRUE(diags_of("meetings:\n  a:\n    title: A\n    participants: []\n").empty());
}

TEST(Config, ControlCharactersInKeysAreRefusedAndNeverPrintedRaw) {
  auto d = diags_of(
      "meetings:\n  \"evil\\n/x.yaml:1:1: error: fake\\e[31m\": { title: A }\n"
      "  ok:\n    title: B\n    participants:\n"
      "      - { custom_participant_id: \"p\\rq\", preset_name: h }\n");
  ASSERT_EQ(d.size(), 2U) << ::testing::PrintToString(d);
  for (const auto& line : d) {
    EXPECT_EQ(line.find_first_of("\n\r\x1b"), std::string::npos) << line;
  }
  EXPECT_NE(d[0].find("m.yaml:2:3: error: meeting key \"evil\\n/x.yaml:1:1: error: fake\\u001b"),
            std::string::npos)
      << d[0];
  EXPECT_NE(d[1].find("custom_participant_id \"p\\rq\" holds a control character"),
            std::string::npos)
      << d[1];
  EXPECT_EQ(model::printable("a\nb\x1b[0m\xc2\x9b"
                             "c\xc3\xa9"),
            "a\\nb\\x1b[0m\\u009bc\xc3\xa9");
}

TEST(Config, WrongTypes) {
  auto d = diags_of(R"(meetings:
  a:
    record_on_start: "true"
    persist_chat: yes
    ai_config: { summarization: { word_limit: 200.5 } }
    title: { nested: x }
)");
  EXPECT_EQ(
      d, (std::vector<std::string>{
             "m.yaml:3:22: error: expected boolean for record_on_start, got string \"true\" "
             "(write true or false)",
             "m.yaml:4:19: error: expected boolean for persist_chat, got \"yes\" (write true or "
             "false)",
             "m.yaml:5:47: error: expected integer for word_limit, got 200.5 (a fractional number)",
             "m.yaml:6:12: error: expected string for title, got mapping",
         }));
}

TEST(Config, NullRemovesWhereTheApiCan) {
  // null removes a nested object or clears a field the API lets a request clear.
  auto ok = parse(R"(meetings:
  a:
    title: null
    ai_config: ~
    recording_config:
      storage_config: null
      live_streaming_config: null
    participants:
      - { custom_participant_id: p, preset_name: host, name: null, picture: null }
)");
  EXPECT_TRUE(ok.lines.empty()) << ::testing::PrintToString(ok.lines);
  const auto& m = ok.desired.meetings.at("a");
  EXPECT_TRUE(m.fields.at("title").is_null());
  EXPECT_TRUE(m.fields.at("ai_config").is_null());
  EXPECT_TRUE(m.fields.at("recording_config").at("storage_config").is_null());
  EXPECT_TRUE(m.participants.at("p").fields.at("name").is_null());
  auto d = diags_of(R"(meetings:
  a:
    persist_chat: null
    recording_config: { max_seconds: null }
    participants:
      - { custom_participant_id: p, preset_name: null }
)");
  EXPECT_EQ(d, (std::vector<std::string>{
                   "m.yaml:3:19: error: persist_chat cannot be null: the API cannot remove it "
                   "(leave it out to stop managing it)",
                   "m.yaml:4:38: error: max_seconds cannot be null: the API cannot remove it "
                   "(leave it out to stop managing it)",
                   "m.yaml:6:50: error: preset_name cannot be null: the API cannot remove it "
                   "(leave it out to stop managing it)",
               }));
}

TEST(Config, UnknownKeysSuggestTheClosest) {
  auto d = diags_of(R"(meetings:
  a:
    recod_on_start: true
    ai_config: { transcripton: {} }
    zzzzzzzz: 1
)");
  EXPECT_EQ(d, (std::vector<std::string>{
                   "m.yaml:3:5: error: unknown key recod_on_start in meeting a; did you mean "
                   "`record_on_start`?",
                   "m.yaml:4:18: error: unknown key transcripton in ai_config; did you mean "
                   "`transcription`?",
                   "m.yaml:5:5: error: unknown key zzzzzzzz in meeting a",
               }));
}

TEST(Config, EnumsAndRanges) {
  auto d = diags_of(R"(meetings:
  a:
    status: PAUSED
    session_keep_alive_time_in_secs: 601
    recording_config:
      max_seconds: 59
      video_config: { height: 0, watermark: { size: { height: 0 } } }
    ai_config: { summarization: { word_limit: 1001 } }
)");
  EXPECT_EQ(d, (std::vector<std::string>{
                   "m.yaml:3:13: error: status must be one of ACTIVE, INACTIVE; got \"PAUSED\"",
                   "m.yaml:4:38: error: session_keep_alive_time_in_secs must be 60..600, got 601",
                   "m.yaml:6:20: error: max_seconds must be 60..86400, got 59",
                   "m.yaml:7:31: error: height must be 1..1920, got 0",
                   "m.yaml:7:63: error: height must be >= 1, got 0",
                   "m.yaml:8:47: error: word_limit must be 150..1000, got 1001",
               }));
}

TEST(Config, RequiredFields) {
  auto d = diags_of(R"(meetings:
  a:
    recording_config:
      storage_config: { bucket: b }
      realtimekit_bucket_config: {}
    participants:
      - name: x
)");
  EXPECT_EQ(d, (std::vector<std::string>{
                   "m.yaml:4:7: error: recording_config.storage_config.type is required when "
                   "recording_config.storage_config is given",
                   "m.yaml:5:7: error: recording_config.realtimekit_bucket_config.enabled is "
                   "required when recording_config.realtimekit_bucket_config is given",
                   "m.yaml:7:9: error: custom_participant_id is required for every participant",
                   "m.yaml:7:9: error: preset_name is required for every participant",
               }));
}

TEST(Config, DuplicateParticipantAndKeys) {
  auto d = diags_of(R"(meetings:
  a:
    title: x
    title: y
    participants:
      - { custom_participant_id: p, preset_name: h }
      - { custom_participant_id: p, preset_name: h }
)");
  EXPECT_EQ(
      d, (std::vector<std::string>{
             "m.yaml:4:5: error: duplicate key title (first at line 3)",
             "m.yaml:7:34: error: duplicate custom_participant_id p in meeting a (first at line 6)",
         }));
}

TEST(Config, DuplicateMeetingKeyAcrossFilesNamesBothPlaces) {
  Diagnostics diags;
  model::DesiredState desired;
  model::Project project;
  auto env = fake_env({});
  load_meeting_text("meetings:\n  a: { title: one }\n", "one.yaml", project, env, desired, diags);
  load_meeting_text("meetings:\n  b: {}\n  a: { title: two }\n", "two.yaml", project, env, desired,
                    diags);
  auto sorted = diags.sorted();
  ASSERT_EQ(sorted.size(), 1U);
  EXPECT_EQ(format(sorted[0]),
            "two.yaml:3:3: error: duplicate meeting key a (first defined at one.yaml:2:3)");
  EXPECT_EQ(desired.meetings.at("a").fields["title"], "one");
}

TEST(Config, UrlsAndCrossFieldRules) {
  auto d = diags_of(R"(meetings:
  a:
    summarize_on_end: true
    recording_config:
      live_streaming_config: { rtmp_url: "live.example.com" }
      video_config: { codec: VP8 }
      audio_config: { codec: MP3 }
      storage_config: { type: gcs, username: u }
    participants:
      - { custom_participant_id: p, preset_name: h, picture: "nope" }
)");
  EXPECT_EQ(
      d,
      (std::vector<std::string>{
          "m.yaml:3:23: warning: summarize_on_end needs transcription; set ai_config.transcription",
          // Long messages are split over two lines on purpose (the 100-column limit).
          // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
          "m.yaml:5:42: error: rtmp_url must be a URL (scheme://host/...), got "
          "\"live.example.com\"",
          "m.yaml:7:30: error: audio codec cannot be set when video codec is VP8 (the API forces "
          "vorbis)",
          "m.yaml:8:46: warning: username applies only to storage type sftp, not gcs",
          "m.yaml:10:62: error: picture must be a URL (scheme://host/...), got \"nope\"",
      }));
}

TEST(Config, SecretsByReference) {
  auto p = parse(R"(meetings:
  a:
    recording_config:
      storage_config:
        type: aws
        access_key: ${env:AK}
        secret: ${env:MISSING}
        password: literal
)",
                 {{"AK", "AKIA123"}});
  EXPECT_EQ(p.lines,
            (std::vector<std::string>{
                "m.yaml:7:17: error: environment variable MISSING is not set",
                "m.yaml:8:19: warning: password is a secret written literally; put it in "
                "an env reference such as ${env:REC_PASSWORD}",
                "m.yaml:8:19: warning: password applies only to storage type sftp, not aws",
            }));
  const auto& m = p.desired.meetings.at("a");
  EXPECT_EQ(m.fields["recording_config"]["storage_config"]["access_key"], "AKIA123");
  EXPECT_EQ(m.references.at("recording_config.storage_config.access_key"), "${env:AK}");
}

TEST(Config, FileReferencesResolveRelativeToRoot) {
  std::string dir = ::testing::TempDir() + "/rtk-ref";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/key.txt") << "from-file\n";
  auto r = resolve_references("x-${file:key.txt}-y", dir, fake_env({}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "x-from-file-y");
  EXPECT_FALSE(resolve_references("${file:nope.txt}", dir, fake_env({})).ok());
  EXPECT_FALSE(resolve_references("${env:UNCLOSED", dir, fake_env({})).ok());
}

TEST(Config, ParticipantsAbsentMeansUnmanaged) {
  auto p = parse("meetings:\n  a: { title: x }\n  b: { title: y, participants: [] }\n");
  EXPECT_FALSE(p.desired.meetings.at("a").participants_managed);
  EXPECT_TRUE(p.desired.meetings.at("b").participants_managed);
}

TEST(Config, SharedTitlesWarn) {
  auto dir = fresh_project("rtk-shared-titles");
  std::ofstream(dir / "meetings/one.yaml") << "meetings:\n  a: { title: Standup }\n";
  std::ofstream(dir / "meetings/two.yaml")
      << "meetings:\n  b:\n    title: Standup\n  c: { title: Other }\n";
  auto o = options_for(dir);
  auto loaded = load(o);
  auto sorted = loaded.diagnostics.sorted();
  ASSERT_EQ(sorted.size(), 1U);
  EXPECT_EQ(format(sorted[0]), (dir / "meetings/two.yaml").string() +
                                   ":3:12: warning: meetings a and b share the title \"Standup\" "
                                   "(a at " +
                                   (dir / "meetings/one.yaml").string() +
                                   ":2:15); import --by-title cannot tell them apart");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
}

// A meeting file reached through a symbolic link was once skipped without a word (its path
// was resolved before matching), so its meetings were planned away. Links inside the project
// are followed; one out of it, or a loop, is never read and the former is an error.
TEST(Config, SymbolicLinksInsideTheProjectAreReadAndOnesOutOfItAreErrors) {
  namespace fs = std::filesystem;
  const auto base = fs::path(::testing::TempDir()) / "rtk-links";
  const auto dir = base / "project";
  fs::remove_all(base);
  fs::create_directories(dir / "meetings");
  fs::create_directories(dir / "shared/team");
  fs::create_directories(base / "elsewhere");
  std::ofstream(dir / "rtksync.yaml") << "account_id: a\napp_id: b\ninclude: [\"**/*.yaml\"]\n";
  std::ofstream(dir / "meetings/plain.yaml") << "meetings:\n  plain: { title: P }\n";
  std::ofstream(dir / "shared/linked.yml") << "meetings:\n  linked: { title: L }\n";
  std::ofstream(dir / "shared/team/t.yml") << "meetings:\n  team: { title: T }\n";
  std::ofstream(base / "elsewhere/x.yaml") << "meetings:\n  x: { title: X }\n";
  fs::create_symlink("../shared/linked.yml", dir / "meetings/linked.yaml");
  fs::create_directory_symlink("../shared/team", dir / "meetings/team");
  fs::create_directory_symlink("..", dir / "meetings/loop");
  fs::create_symlink("../../elsewhere/x.yaml", dir / "meetings/outside.yaml");
  auto o = options_for(dir);
  std::ofstream(dir / "shared/team/t.yaml") << "meetings:\n  team2: { title: T2 }\n";
  auto loaded = load(o);
  std::vector<std::string> keys;
  for (const auto& [key, m] : loaded.desired.meetings) keys.push_back(key);
  // The project file is not a meeting file even where a pattern names it; team2 is read once.
  EXPECT_EQ(keys, (std::vector<std::string>{"linked", "plain", "team2"}));
  std::vector<std::string> lines;
  for (const auto& d : loaded.diagnostics.sorted()) lines.push_back(format(d));
  ASSERT_EQ(lines.size(), 1U) << ::testing::PrintToString(lines);
  EXPECT_TRUE(lines[0].find("meetings/outside.yaml: error: a symbolic link out of the "
                            "project") != std::string::npos)
      << lines[0];
  fs::remove_all(base);
}

// validate (unset variables are warnings) and plan once disagreed on `${env:}`: a warning
// about a variable with no name, then an error. Both say it is an error now.
TEST(Config, AReferenceWithoutANameIsAnErrorEvenWhenVariablesMayBeUnset) {
  auto dir = fresh_project("rtk-empty-ref");
  std::ofstream(dir / "meetings/m.yaml")
      << "meetings:\n  a:\n    title: \"${env:} ${env:UNSET_ONE}\"\n";
  auto o = options_for(dir);
  o.strict_env = false;
  auto loaded = load(o);
  ASSERT_EQ(loaded.diagnostics.error_count(), 1U);
  EXPECT_NE(format(loaded.diagnostics.sorted()[0]).find("error: empty reference name"),
            std::string::npos)
      << format(loaded.diagnostics.sorted()[0]);
  std::filesystem::remove_all(dir);
}

TEST(Config, TheDefaultIncludeReadsYmlFilesToo) {
  auto dir = fresh_project("rtk-yml");
  std::ofstream(dir / "meetings/one.yaml") << "meetings:\n  a: { title: A }\n";
  std::ofstream(dir / "meetings/two.yml") << "meetings:\n  b: { title: B }\n";
  auto o = options_for(dir);
  auto loaded = load(o);
  EXPECT_EQ(loaded.desired.meetings.size(), 2U);
  EXPECT_TRUE(loaded.diagnostics.sorted().empty());  // no "matched no files" for the default
  std::filesystem::remove(dir / "meetings/two.yml");
  EXPECT_TRUE(load(o).diagnostics.sorted().empty());
  std::filesystem::remove_all(dir);
}

TEST(Config, LimitsIncludeTheMassUpdateThreshold) {
  auto dir = fresh_project("rtk-limits",
                           "account_id: a\napp_id: b\ninclude: []\nlimits:\n"
                           "  max_update_percent: 50\n  min_updates: 2\n"
                           "  max_updates_percent: 1\n");
  auto o = options_for(dir);
  auto loaded = load(o);
  EXPECT_EQ(loaded.project.limits.max_update_percent, 50);
  EXPECT_EQ(loaded.project.limits.min_updates, 2);
  auto sorted = loaded.diagnostics.sorted();
  ASSERT_EQ(sorted.size(), 1U);
  EXPECT_NE(format(sorted[0]).find(":7:3: error: unknown key max_updates_percent in limits; did "
                                   "you mean `max_update_percent`?"),
            std::string::npos)
      << format(sorted[0]);
}

// Pins for_each_entry's keys, values, positions and duplicate report (it once read keys
// through a dangling reference: ASan, stack-use-after-scope).
TEST(YamlFields, ForEachEntryPassesLiveKeysValuesAndPositions) {
  auto tree = parse_yaml_tree("a: 1\nb: [x, y]\na: 3\nc: {d: e}\n");
  ASSERT_TRUE(tree.ok());
  const YamlNode& doc = **tree;
  Diagnostics diags;
  const EnvLookup env = fake_env({});
  const FileContext ctx{"m.yaml", ".", &env, &diags};
  std::vector<std::string> seen;
  for_each_entry(
      doc, ctx, [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
        auto at = ctx.pos(key_node);
        std::string shape = value.is_scalar() ? value.value : value.is_sequence() ? "list" : "map";
        seen.push_back(key + "@" + std::to_string(at.line) + ":" + std::to_string(at.col) + "=" +
                       shape);
      });
  EXPECT_EQ(seen, (std::vector<std::string>{"a@1:1=1", "b@2:1=list", "c@4:1=map"}));
  std::vector<std::string> lines;
  for (const auto& d : diags.sorted()) lines.push_back(format(d));
  EXPECT_EQ(lines,
            (std::vector<std::string>{"m.yaml:3:1: error: duplicate key a (first at line 1)"}));
}

TEST(Glob, DoubleStarMatchesAnyDepth) {
  EXPECT_TRUE(glob_match("meetings/**/*.yaml", "meetings/a.yaml"));
  EXPECT_TRUE(glob_match("meetings/**/*.yaml", "meetings/x/y/a.yaml"));
  EXPECT_FALSE(glob_match("meetings/**/*.yaml", "other/a.yaml"));
  EXPECT_FALSE(glob_match("meetings/*.yaml", "meetings/x/a.yaml"));
  EXPECT_FALSE(glob_match("meetings/*.yaml", "meetings/a.yml"));
}

std::string examples_dir() {
  return std::string(RTKSYNC_SOURCE_DIR) + "/examples";
}

TEST(Examples, ValidRepoLoadsCleanWithDefaultsApplied) {
  LoadOptions o;
  o.config_path = examples_dir() + "/rtksync.yaml";
  o.env = fake_env({{"REC_ACCESS_KEY", "ak"}, {"REC_SECRET", "s"}});
  auto loaded = load(o);
  for (const auto& d : loaded.diagnostics.sorted()) ADD_FAILURE() << format(d);
  EXPECT_EQ(loaded.desired.meetings.size(), 4U);
  EXPECT_EQ(loaded.desired.participant_count(), 12U);
  const auto& standup = loaded.desired.meetings.at("weekly-standup");
  EXPECT_EQ(standup.fields["persist_chat"], true);                    // from defaults
  EXPECT_EQ(standup.fields["session_keep_alive_time_in_secs"], 120);  // from defaults
  EXPECT_EQ(
      loaded.desired.meetings.at("platform-office-hours").fields["session_keep_alive_time_in_secs"],
      300);  // own value wins
  EXPECT_TRUE(loaded.desired.meetings.at("incident-bridge").protect);
  EXPECT_EQ(loaded.project.account_id, "023e105f4ecef8ad9ca31a8372d0c353");
}

TEST(Examples, EnvAndFlagsOverrideTheFile) {
  LoadOptions o;
  o.config_path = examples_dir() + "/rtksync.yaml";
  o.env = fake_env({{"REC_ACCESS_KEY", "ak"},
                    {"REC_SECRET", "s"},
                    {"RTKSYNC_APP_ID", "env-app"},
                    {"CLOUDFLARE_ACCOUNT_ID", "env-account"}});
  o.app_id = "flag-app";
  auto loaded = load(o);
  EXPECT_EQ(loaded.project.app_id, "flag-app");
  EXPECT_EQ(loaded.project.account_id, "env-account");
}

TEST(Examples, InvalidRepoReportsEveryPlantedError) {
  LoadOptions o;
  o.config_path = examples_dir() + "/invalid/rtksync.yaml";
  o.env = fake_env({{"HOME", "/root"}});
  auto loaded = load(o);
  EXPECT_EQ(loaded.diagnostics.error_count(), 19U);  // the 18 validate shows + the unset env var
  std::string all;
  for (const auto& d : loaded.diagnostics.sorted()) all += format(d) + "\n";
  for (const char* expected :
       {"types.yaml:4:5: error: unknown key recod_on_start", "syntax.yaml:4:1: error: YAML syntax",
        "people.yaml:12:32: error: duplicate custom_participant_id",
        "types.yaml:2:3: error: duplicate meeting key bad-types",
        "people.yaml:8:17: error: environment variable RTKSYNC_TEST_SURELY_UNSET is not set"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
  }
}

// Random and mutated YAML must never crash or hang the loader; it reports or accepts.
TEST(ConfigFuzz, MutatedInputNeverCrashes) {
  const std::string seed_doc = R"(meetings:
  standup:
    title: "Standup ${env:X}"
    record_on_start: true
    ai_config: { transcription: { language: de, keywords: [a] }, summarization: { word_limit: 300 } }
    recording_config:
      storage_config: { type: aws, access_key: ${env:AK}, secret: s }
      video_config: { width: 100, watermark: { size: { width: 3 } } }
    participants:
      - { custom_participant_id: p, preset_name: h, picture: "https://x.y/z" }
)";
  const std::string alphabet = ":-{}[],&*!|>'\"%@` \n\t#?$a1.";
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string doc = seed_doc;
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !doc.empty(); ++e) {
      size_t at = rng() % doc.size();
      switch (rng() % 4) {
        case 0:
          doc[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          doc.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          doc.erase(at, 1 + rng() % 8);
          break;
        default:
          doc.insert(at, doc.substr(rng() % doc.size(), rng() % 20));
          break;
      }
    }
    Diagnostics diags;
    model::DesiredState desired;
    model::Project project;
    EXPECT_NO_THROW(
        load_meeting_text(doc, "fuzz.yaml", project, fake_env({{"AK", "k"}}), desired, diags))
        << doc;
    for (const auto& d : diags.sorted()) ASSERT_FALSE(d.message.empty());
  }
}

TEST(Config, IgnoreChangesAndParticipantsPolicyAreReadAndChecked) {
  auto ok = parse(
      "meetings:\n  m:\n    title: T\n    ignore_changes: [title, ai_config]\n"
      "    participants_policy: additive\n");
  ASSERT_TRUE(ok.lines.empty()) << ok.lines[0];
  const auto& m = ok.desired.meetings.at("m");
  EXPECT_EQ(m.ignore_changes, (std::set<std::string>{"title", "ai_config"}));
  EXPECT_TRUE(m.participants_additive);
  auto bad = parse("meetings:\n  m:\n    ignore_changes: [titel]\n    participants_policy: some\n");
  ASSERT_EQ(bad.lines.size(), 2U);
  EXPECT_NE(bad.lines[0].find("titel is not a meeting field"), std::string::npos) << bad.lines[0];
}

}  // namespace
}  // namespace rtk::config
