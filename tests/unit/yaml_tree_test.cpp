// The tree reader (config/yaml_tree) against an independent oracle, the YAML test suite's own
// JSON for each valid case, and its streaming: meetings handed over one by one and not kept.
#include <gtest/gtest.h>
#include <yaml.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "config/loader.hpp"
#include "config/yaml_gate.hpp"
#include "config/yaml_tree.hpp"
#include "model/json_path.hpp"
#include "support/text.hpp"

namespace rtk::config {
namespace {

namespace fs = std::filesystem;
using model::json;

const fs::path kValid = fs::path(RTKSYNC_SHARED_DIR "/yaml-test-suite/valid");

// YAML 1.2's core schema, written here from the spec (not from rtksync's field reading).
json core_scalar(const YamlNode& n) {
  if (!n.plain) return n.value;
  const std::string& s = n.value;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex hex("0x[0-9a-fA-F]+");
  static const std::regex octal("0o[0-7]+");
  if (std::regex_match(s, hex)) return std::stoll(s.substr(2), nullptr, 16);
  if (std::regex_match(s, octal)) return std::stoll(s.substr(2), nullptr, 8);
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex number("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, integer)) return std::stoll(s);
  if (std::regex_match(s, number)) return std::stod(s);
  return s;
}

// nullopt: the node has no JSON form (a key that is not a scalar).
std::optional<json> to_json(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::Null:
      return json(nullptr);
    case YamlNode::Kind::Scalar:
      return core_scalar(n);
    case YamlNode::Kind::Sequence: {
      json out = json::array();
      for (const auto& item : n.items) {
        auto v = to_json(*item);
        if (!v) return std::nullopt;
        out.push_back(*v);
      }
      return out;
    }
    case YamlNode::Kind::Map: {
      json out = json::object();
      for (const auto& [k, v] : n.entries) {
        auto value = to_json(*v);
        if (!value) return std::nullopt;
        if (k->is_null()) {
          out[""] = *value;  // the suite writes a null key as ""
        } else if (k->is_scalar()) {
          out[k->value] = *value;
        } else {
          return std::nullopt;
        }
      }
      return out;
    }
  }
  return std::nullopt;
}

// libyaml's reading of a one-document text as JSON (its own events, composed here); nullopt
// when libyaml fails or the document has no JSON form.
class LibyamlComposer {
 public:
  explicit LibyamlComposer(const std::string& text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~LibyamlComposer() { yaml_parser_delete(&parser_); }
  LibyamlComposer(const LibyamlComposer&) = delete;
  LibyamlComposer& operator=(const LibyamlComposer&) = delete;

  std::optional<json> document() {
    for (;;) {  // skip to the first node
      auto e = next();
      if (!e) return std::nullopt;
      if (e->type == YAML_STREAM_END_EVENT) return json(nullptr);
      if (e->type != YAML_STREAM_START_EVENT && e->type != YAML_DOCUMENT_START_EVENT)
        return node(*e);
    }
  }

 private:
  struct Event {
    yaml_event_type_t type;
    std::string value, anchor, tag;
    bool plain = false;
  };

  std::optional<Event> next() {
    yaml_event_t e;
    if (yaml_parser_parse(&parser_, &e) == 0) return std::nullopt;
    Event out{e.type, "", "", ""};
    auto text = [](const yaml_char_t* s) { return s ? reinterpret_cast<const char*>(s) : ""; };
    if (e.type == YAML_SCALAR_EVENT) {
      out.value.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
      out.anchor = text(e.data.scalar.anchor);
      out.tag = text(e.data.scalar.tag);
      const std::string core = "tag:yaml.org,2002:";
      out.plain = (e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && out.tag.empty()) ||
                  out.tag == core + "int" || out.tag == core + "float" || out.tag == core + "bool";
    } else if (e.type == YAML_ALIAS_EVENT) {
      out.anchor = text(e.data.alias.anchor);
    } else if (e.type == YAML_MAPPING_START_EVENT) {
      out.anchor = text(e.data.mapping_start.anchor);
    } else if (e.type == YAML_SEQUENCE_START_EVENT) {
      out.anchor = text(e.data.sequence_start.anchor);
    }
    yaml_event_delete(&e);
    return out;
  }

  std::optional<json> node(const Event& e) {
    std::optional<json> out;
    if (e.type == YAML_ALIAS_EVENT) {
      if (anchors_.count(e.anchor) == 0U) return std::nullopt;
      return anchors_[e.anchor];
    }
    if (e.type == YAML_SCALAR_EVENT) {
      YamlNode n;
      n.value = e.value;
      n.plain = e.plain;
      const bool null = e.plain && (e.value.empty() || e.value == "~" || e.value == "null" ||
                                    e.value == "Null" || e.value == "NULL");
      out = null ? json(nullptr) : core_scalar(n);
    } else if (e.type == YAML_SEQUENCE_START_EVENT) {
      out = json::array();
      for (auto item = next(); item && item->type != YAML_SEQUENCE_END_EVENT; item = next()) {
        auto v = node(*item);
        if (!v) return std::nullopt;
        out->push_back(*v);
      }
    } else if (e.type == YAML_MAPPING_START_EVENT) {
      out = json::object();
      for (auto key = next(); key && key->type != YAML_MAPPING_END_EVENT; key = next()) {
        auto k = node(*key);
        auto value = next();
        if (!k || !value) return std::nullopt;
        auto v = node(*value);
        if (!v || !(k->is_string() || k->is_null() || k->is_number() || k->is_boolean()))
          return std::nullopt;
        (*out)[k->is_string() ? k->get<std::string>() : k->is_null() ? "" : k->dump()] = *v;
      }
    }
    if (out && !e.anchor.empty()) anchors_[e.anchor] = *out;
    return out;
  }

  yaml_parser_t parser_{};
  std::map<std::string, json> anchors_;
};

// The portability half of the gate, against the suite's JSON: whatever it admits, libyaml
// (and so PyYAML and the linters) reads as the spec says; what libyaml misreads, it refuses.
TEST(YamlTree, WhatTheGateAdmitsLibyamlReadsAsTheSpecSays) {
  int compared = 0;
  std::vector<std::string> misread_but_admitted;
  std::set<std::string> refused;
  for (const auto& entry : fs::directory_iterator(kValid)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string text = rtk::testing::slurp(entry.path());
    const json expected = json::parse(
        rtk::testing::slurp(fs::path(entry.path()).replace_extension(".json")), nullptr, false);
    auto syntax = check_yaml_syntax(text);
    if (expected.is_discarded() || syntax.documents != 1 || !syntax.ok()) continue;
    if (!check_yaml_portability(text).empty()) {
      refused.insert(entry.path().stem().string());
      continue;
    }
    auto got = LibyamlComposer(text).document();
    if (!got) continue;
    ++compared;
    if (*got != expected) misread_but_admitted.push_back(entry.path().stem().string());
  }
  EXPECT_GE(compared, 150);
  EXPECT_TRUE(misread_but_admitted.empty()) << ::testing::PrintToString(misread_but_admitted);
  // libyaml's misreadings found by the tree's own oracle test (above) when it was built on
  // libyaml: an anchor holding ':', a plain '?foo', block scalars' trailing lines.
  for (const char* id : {"Y2GN", "652Z", "HM87-01", "JEF9-02", "L24T-01"}) {
    EXPECT_EQ(refused.count(id), 1U) << id << " is admitted";
  }
}

// Every valid suite case the gate admits, as one document, reads as the suite's JSON.
TEST(YamlTree, ValidSuiteCasesReadAsTheSuitesJson) {
  int compared = 0;
  std::vector<std::string> mismatches;
  for (const auto& entry : fs::directory_iterator(kValid)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string text = rtk::testing::slurp(entry.path());
    const json expected =
        json::parse(rtk::testing::slurp(fs::path(entry.path()).replace_extension(".json")), nullptr,
                    /*allow_exceptions=*/false);
    auto syntax = check_yaml_syntax(text);
    // One JSON value (one document), which the gate lets through.
    if (expected.is_discarded() || syntax.documents != 1 || !syntax.ok() ||
        !check_yaml_portability(text).empty()) {
      continue;
    }
    auto tree = parse_yaml_tree(text);
    ASSERT_TRUE(tree.ok()) << entry.path() << ": " << tree.error().message;
    auto got = to_json(**tree);
    if (!got) continue;  // a mapping as a key: JSON has no form for it
    ++compared;
    if (*got != expected) {
      mismatches.push_back(entry.path().stem().string() + ": " + got->dump() +
                           " != " + expected.dump());
    }
  }
  EXPECT_GE(compared, 150);
  EXPECT_TRUE(mismatches.empty()) << ::testing::PrintToString(mismatches);
}

TEST(YamlTree, PositionsAndPlainnessFollowTheSource) {
  auto tree = parse_yaml_tree("a:\n  b: \"5\"\n  c: 5\n  d: !!str 5\n  e:\n  f: ~\n");
  ASSERT_TRUE(tree.ok());
  const YamlNode* a = (*tree)->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->line, 2);
  EXPECT_EQ(a->col, 3);
  EXPECT_FALSE(a->find("b")->plain);
  EXPECT_TRUE(a->find("c")->plain);
  EXPECT_EQ(a->find("c")->line, 3);
  EXPECT_EQ(a->find("c")->col, 6);
  EXPECT_EQ(a->find("b")->col, 6);    // a quoted scalar starts at its quote
  EXPECT_FALSE(a->find("d")->plain);  // a tag makes it a string
  EXPECT_TRUE(a->find("e")->is_null());
  EXPECT_TRUE(a->find("f")->is_null());
  EXPECT_EQ(a->find("missing"), nullptr);
}

TEST(YamlTree, MeetingsAreHandedOverInOrderAndNotKept) {
  std::vector<std::string> seen;
  auto tree = parse_yaml_tree(
      "meetings:\n  a: {title: A}\n  b:\n    title: B\nother:\n  x: {y: 1}\n",
      [&](const YamlNode& top, const YamlNode& key, const YamlNode& value) {
        const YamlNode* title = value.find("title");
        seen.push_back(top.value + "." + key.value + "@" + std::to_string(key.line) + "=" +
                       (title != nullptr ? title->value : "-"));
      });
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"meetings.a@2=A", "meetings.b@3=B", "other.x@6=-"}));
  // Every mapping under a top-level key was handed over: none is kept in the tree.
  ASSERT_NE((*tree)->find("meetings"), nullptr);
  EXPECT_TRUE((*tree)->find("meetings")->entries.empty());
  EXPECT_TRUE((*tree)->find("other")->entries.empty());
}

TEST(YamlTree, AnAnchoredMappingIsKeptWholeForItsAliases) {
  int handed = 0;
  auto tree = parse_yaml_tree("templates: &all\n  a: {title: A}\nmeetings: *all\n",
                              [&](const YamlNode&, const YamlNode&, const YamlNode&) { ++handed; });
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(handed, 0);
  const YamlNode* meetings = (*tree)->find("meetings");
  ASSERT_NE(meetings, nullptr);
  ASSERT_EQ(meetings->entries.size(), 1U);
  EXPECT_EQ(meetings->find("a")->find("title")->value, "A");
}

TEST(YamlTree, AnAliasInsideItsOwnAnchorIsAnErrorNotACycle) {
  auto tree = parse_yaml_tree("a: &x\n  - *x\n");
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().line, 2);
  EXPECT_NE(tree.error().message.find("alias *x"), std::string::npos) << tree.error().message;
}

TEST(YamlTree, DeepNestingIsAnError) {
  std::string text(1000, '[');
  text += std::string(1000, ']');
  auto tree = parse_yaml_tree(text);
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.error().message.find("nesting deeper than"), std::string::npos);
}

// A billion laughs: aliases share nodes, but whoever reads the tree expands them; past a limit
// the document is refused before anyone does.
TEST(YamlTree, AliasesRepeatingTooMuchAreAnError) {
  std::string text = "a: &s " + std::string(1 << 20, 'x') + "\nb: [";
  for (int i = 0; i < 20; ++i) text += "*s, ";
  text += "*s]\n";
  auto tree = parse_yaml_tree(text);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().line, 2);
  EXPECT_NE(tree.error().message.find("aliases repeat more than 16 MB"), std::string::npos)
      << tree.error().message;
  // Sharing a participant list among meetings stays well inside it.
  std::string shared = "team: &t [";
  for (int i = 0; i < 100; ++i) shared += "{custom_participant_id: p" + std::to_string(i) + "},";
  shared += "]\nmeetings: [";
  for (int i = 0; i < 1000; ++i) shared += "*t, ";
  shared += "]\n";
  EXPECT_TRUE(parse_yaml_tree(shared).ok());
}

// libfyaml's time grows with the square of a flow collection's depth; the gate stops at the
// limit instead of reading 100,000 levels.
TEST(YamlTree, TheGateStopsAtTheDepthLimit) {
  const std::string text = "title: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto check = check_yaml_syntax(text);
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.errors[0].message.find("nesting deeper than 64 levels"), std::string::npos);
  EXPECT_EQ(check.errors[0].line, 1);
}

// Bytes no YAML allows are reported where they are, and not as valid YAML 1.2.
TEST(YamlTree, ControlBytesArePlacedAndNotCalledValid) {
  const std::string text = "a: 1\nb: 2\nc: x\x01y\n";
  auto problems = check_yaml_portability(text);
  if (!check_yaml_syntax(text).ok()) GTEST_SKIP() << "libfyaml refuses it first";
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].col, 5);
  EXPECT_EQ(problems[0].message.find("valid YAML 1.2"), std::string::npos) << problems[0].message;
}

// Meetings read one at a time load exactly as before, wherever the anchors are.
TEST(YamlTree, LoaderReadsStreamedAndAnchoredMeetingsAlike) {
  auto load = [](const std::string& text) {
    Diagnostics diags;
    model::DesiredState desired;
    model::Project project;
    project.root = ".";
    const EnvLookup env = [](const std::string&) { return std::optional<std::string>(); };
    load_meeting_text(text, "m.yaml", project, env, desired, diags);
    EXPECT_FALSE(diags.has_errors());
    json out = json::object();
    for (const auto& [key, m] : desired.meetings) out[key] = m.fields;
    return out;
  };
  const json streamed = load("meetings:\n  a:\n    title: A\n  b: {title: B}\n");
  const json anchored = load("meetings: &m\n  a:\n    title: A\n  b: {title: B}\n");
  EXPECT_EQ(streamed, anchored);
  EXPECT_EQ(streamed.size(), 2U);
}

}  // namespace
}  // namespace rtk::config
