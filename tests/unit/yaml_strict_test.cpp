// The strict YAML gate: the YAML test suite's error cases are all rejected with a diagnostic,
// its valid cases all pass, and thousands of mutated meeting files never get past rtksync
// when an independent parser (libyaml) rejects them.
#include <gtest/gtest.h>
#include <yaml.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "config/loader.hpp"
#include "config/yaml_gate.hpp"

namespace rtk::config {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(RTKSYNC_SHARED_DIR "/yaml-test-suite");

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> cases(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kSuite / dir)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

EnvLookup env_with(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Loads text as a meeting file; returns its diagnostics.
Diagnostics load_text(const std::string& text, model::DesiredState* desired = nullptr) {
  Diagnostics diags;
  model::DesiredState scratch;
  model::Project project;
  project.root = ".";
  load_meeting_text(text, "m.yaml", project, env_with({{"AK", "k"}, {"X", "x"}}),
                    desired != nullptr ? *desired : scratch, diags);
  return diags;
}

bool libyaml_accepts(const std::string& text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  bool ok = true;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      ok = false;
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return ok;
}

TEST(YamlStrict, UnterminatedQuoteIsAnErrorNotATitle) {
  model::DesiredState desired;
  auto diags = load_text(R"(meetings:
  a:
    title: "abc
    record_on_start: true
  b:
    title: B
)",
                         &desired);
  auto sorted = diags.sorted();
  ASSERT_FALSE(sorted.empty());
  EXPECT_EQ(sorted[0].severity, Severity::Error);
  EXPECT_EQ(format(sorted[0]).rfind("m.yaml:3:12: error: YAML syntax: ", 0), 0U)
      << format(sorted[0]);
  EXPECT_TRUE(desired.meetings.empty());  // nothing half-read: b is not planned away

  auto at_top = load_text("meetings:\n  a:\n    title: \"abc\n");
  ASSERT_TRUE(at_top.has_errors());
}

TEST(YamlStrict, UnquotedReferenceInFlowIsAnErrorWithAHint) {
  auto diags = load_text(
                   "meetings:\n  a:\n    recording_config:\n      storage_config: { type: aws, "
                   "access_key: ${env:AK} }\n")
                   .sorted();
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_NE(diags[0].message.find("quote a reference: \"${env:NAME}\""), std::string::npos)
      << diags[0].message;
}

TEST(YamlStrict, ValidButUnportableYamlIsAnError) {
  // A tab after "- " is valid YAML 1.2 (yaml-cpp and libfyaml read it); libyaml does not.
  std::string text =
      "meetings:\n  a:\n    participants:\n      -\t{ custom_participant_id: p, "
      "preset_name: h }\n";
  EXPECT_TRUE(check_yaml_syntax(text).ok());
  EXPECT_FALSE(check_yaml_portability(text).empty());
  auto diags = load_text(text).sorted();
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_EQ(format(diags[0]).rfind("m.yaml:4:", 0), 0U) << format(diags[0]);
  EXPECT_NE(diags[0].message.find("libyaml"), std::string::npos);
}

TEST(YamlStrict, SecondDocumentIsAnError) {
  auto diags = load_text("meetings:\n  a: { title: A }\n---\nmeetings:\n  b: { title: B }\n");
  auto sorted = diags.sorted();
  ASSERT_EQ(sorted.size(), 1U);
  EXPECT_EQ(format(sorted[0]).rfind("m.yaml:3:1: error: a file holds one YAML document", 0), 0U)
      << format(sorted[0]);
}

TEST(YamlStrict, EveryErrorCaseOfTheTestSuiteIsRejected) {
  if (!fs::exists(kSuite / "error")) GTEST_SKIP() << "no YAML test suite at " << kSuite;
  auto all = cases("error");
  ASSERT_GT(all.size(), 90U);
  for (const auto& path : all) {
    auto text = read(path);
    auto check = check_yaml_syntax(text);
    EXPECT_FALSE(check.ok()) << path.filename() << " passed the gate:\n" << text;
    auto diags = load_text(text).sorted();
    ASSERT_FALSE(diags.empty()) << path.filename();
    EXPECT_EQ(diags[0].severity, Severity::Error) << path.filename();
    EXPECT_GE(diags[0].pos.line, 1) << path.filename();
    EXPECT_GE(diags[0].pos.col, 1) << path.filename();
    EXPECT_EQ(diags[0].message.rfind("YAML syntax: ", 0), 0U)
        << path.filename() << ": " << format(diags[0]);
  }
}

TEST(YamlStrict, EveryValidCaseOfTheTestSuitePassesTheGate) {
  if (!fs::exists(kSuite / "valid")) GTEST_SKIP() << "no YAML test suite at " << kSuite;
  // Three ids are both in error/ and valid/ with identical text (9MQT-01, DK95-01, DK95-06):
  // the upstream suite marks them as errors and their valid/*.json belongs to a sibling case.
  // The error verdict wins; they are checked by the test above.
  std::set<std::string> contradictory;
  for (const auto& p : cases("error")) contradictory.insert(p.filename().string());
  auto all = cases("valid");
  ASSERT_GT(all.size(), 250U);
  int checked = 0;
  for (const auto& path : all) {
    if (contradictory.count(path.filename().string()) != 0U) continue;
    auto check = check_yaml_syntax(read(path));
    EXPECT_TRUE(check.ok()) << path.filename() << ": "
                            << (check.errors.empty() ? "" : check.errors[0].message);
    ++checked;
  }
  EXPECT_GT(checked, 270);
}

// Syntax-level mutations of a meeting file: quotes, indicators, indentation and line breaks,
// where yaml-cpp is lenient. Whatever rtksync accepts, libyaml must accept too.
TEST(YamlStrict, DifferentialAgainstLibyamlOnMutatedMeetingFiles) {
  const std::string seed_doc = R"(meetings:
  standup:
    title: "Standup ${env:X}"
    record_on_start: true
    persist_chat: false
    session_keep_alive_time_in_secs: 120
    ai_config:
      transcription: { language: de, keywords: [a, 'b c', "d"] }
      summarization: { word_limit: 300, text_format: markdown }
    recording_config:
      file_name_prefix: 'rec-'
      storage_config: { type: aws, access_key: "${env:AK}", secret: '${env:AK}' }
      video_config: { width: 100, watermark: { size: { width: 3 } } }
    participants:
      - { custom_participant_id: p, preset_name: h, picture: "https://x.y/z" }
      - custom_participant_id: 'q'
        name: >-
          Folded
          Name
        preset_name: |-
          host
  review:
    title: Review
    participants: []
)";
  const std::vector<std::string> tokens{"\"", "'",   ":",   ": ", " ",  "  ", "\t", "\n",  "- ",
                                        "#",  "---", "...", "{",  "}",  "[",  "]",  ",",   "|",
                                        ">",  "&a ", "*a",  "!",  "? ", "%",  "\\", "\r\n"};
  std::mt19937 rng(20260601);
  int accepted = 0;
  const int kFiles = 6000;
  for (int i = 0; i < kFiles; ++i) {
    std::string doc = seed_doc;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % doc.size();
      switch (rng() % 3) {
        case 0:
          doc.insert(at, tokens[rng() % tokens.size()]);
          break;
        case 1:
          doc.erase(at, 1 + rng() % 2);
          break;
        default:
          doc.replace(at, 1, tokens[rng() % tokens.size()]);
          break;
      }
    }
    auto diags = load_text(doc);
    if (diags.has_errors()) continue;
    ++accepted;
    EXPECT_TRUE(libyaml_accepts(doc)) << "rtksync accepted a file libyaml rejects:\n" << doc;
  }
  // The mutations must leave enough accepted files for the comparison to mean something.
  EXPECT_GT(accepted, kFiles / 40);
}

}  // namespace
}  // namespace rtk::config
