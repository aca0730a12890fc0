// The field table against an independent source: the OpenAPI contract in ../shared/api (and
// seed 001 for what the list endpoints return, which the contract does not say). Every
// field's existence, type, enum, range, URL format, verbs, nullability, required flag,
// write-only flag and default must agree, in both directions, except for the decided
// deviations below, each explained in docs/api-fidelity.md. A change in the table or the
// contract without the other fails here; so does a deviation that no longer deviates.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "model/field_table.hpp"
#include "support/json_types.hpp"

namespace rtk::model {
namespace {

using nlohmann::json;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const json& contract() {
  static const json doc = json::parse(
      read_text(std::string(RTKSYNC_SHARED_DIR) + "/api/realtimekit-meetings.openapi.json"));
  return doc;
}

const json& resolve(const json& node) {
  const json* cur = &node;
  while (cur->is_object() && cur->contains("$ref")) {
    cur = &contract().at(json::json_pointer(cur->at("$ref").get<std::string>().substr(1)));
  }
  return *cur;
}

// What the contract says about one field path, gathered from every schema that has it.
struct ContractField {
  std::set<std::string> types;  // "string", "boolean", ..., "array<string>"
  std::set<std::string> enums;
  std::optional<double> min, max;
  bool uri = false;
  bool write_only = false;
  std::optional<json> default_value;
  unsigned verbs = 0;     // request bodies that carry the path
  unsigned nullable = 0;  // ... and accept null there
  unsigned required = 0;  // ... and require it (when its parent is given)
};
using ContractFields = std::map<std::string, ContractField>;

std::string join(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

// Walks a schema; verb is 0 for response schemas.
void walk(const json& node, const std::string& path, unsigned verb, bool nullable_here,
          bool required_here, ContractFields& out) {
  const json& s = resolve(node);
  if (s.contains("allOf")) {
    for (const auto& part : s["allOf"]) walk(part, path, verb, nullable_here, required_here, out);
    return;
  }
  bool nullable = nullable_here || s.value("nullable", false);
  if (!path.empty()) {
    ContractField& f = out[path];
    std::string type = s.value("type", "object");
    if (type == "array") type += "<" + resolve(s["items"]).value("type", "?") + ">";
    f.types.insert(type);
    if (s.contains("enum")) {
      for (const auto& e : s["enum"]) f.enums.insert(e.get<std::string>());
    }
    if (s.contains("minimum")) f.min = s["minimum"].get<double>();
    if (s.contains("maximum")) f.max = s["maximum"].get<double>();
    if (s.value("format", "") == "uri" && verb == 0) f.uri = true;
    if (s.value("writeOnly", false)) f.write_only = true;
    if (s.contains("default")) f.default_value = s["default"];
    f.verbs |= verb;
    if (nullable) f.nullable |= verb;
    if (required_here) f.required |= verb;
  }
  if (!s.contains("properties")) return;
  std::set<std::string> required;
  for (const auto& r : s.value("required", json::array())) required.insert(r.get<std::string>());
  for (const auto& [name, prop] : s["properties"].items()) {
    walk(prop, join(path, name), verb, false, required.count(name) != 0U, out);
  }
}

const json& body_schema(const std::string& name) {
  return resolve(
      contract()["components"]["requestBodies"][name])["content"]["application/json"]["schema"];
}

const json& response_data(const std::string& name) {
  // {allOf: [envelope, {properties: {data: ...}}]}: the data schema of a response (the last
  // part that has one; the generic envelope's data is just "object").
  const json& schema =
      resolve(contract()["components"]["responses"][name])["content"]["application/json"]["schema"];
  const json* data = nullptr;
  for (const auto& part : schema["allOf"]) {
    const json& p = resolve(part);
    if (p.contains("properties") && p["properties"].contains("data"))
      data = &p["properties"]["data"];
  }
  EXPECT_NE(data, nullptr) << name << " has no data";
  return data != nullptr ? *data : schema;
}

ContractFields contract_fields(Resource r) {
  ContractFields out;
  if (r == Resource::Meeting) {
    walk(response_data("realtimekit_GetMeeting"), "", 0, false, false, out);
    walk(body_schema("realtimekit_CreateMeetingBody"), "", kPost, false, false, out);
    walk(body_schema("realtimekit_CreateMeetingBody"), "", kPut, false, false, out);  // replace
    walk(body_schema("realtimekit_UpdateMeetingBody"), "", kPatch, false, false, out);
  } else {
    walk(response_data("realtimekit_AddParticipant"), "", 0, false, false, out);  // + token
    walk(body_schema("realtimekit_AddParticipantBody"), "", kPost, false, false, out);
    walk(body_schema("realtimekit_EditParticipantBody"), "", kPatch, false, false, out);
    walk(body_schema("realtimekit_ReplaceParticipantBody"), "", kPut, false, false, out);
  }
  return out;
}

// The fields seed 001 lists for an item of a list endpoint (the contract's list items are
// the whole Meeting/Participant schema, all optional, so it cannot say).
std::set<std::string> seed_list_fields(const std::string& section) {
  std::string text = read_text(std::string(RTKSYNC_SHARED_DIR) + "/seeds/001_8eadd2a25b130660.txt");
  auto start = text.find(section);
  EXPECT_NE(start, std::string::npos) << section;
  auto returns = text.find("### Returns", start);
  auto paging = text.find("- `paging:", returns);
  std::string items = text.substr(returns, paging - returns);
  std::set<std::string> out;
  std::regex field(R"(- `(\w+): )");
  for (auto it = std::sregex_iterator(items.begin(), items.end(), field);
       it != std::sregex_iterator(); ++it) {
    if ((*it)[1] != "data") out.insert((*it)[1]);
  }
  return out;
}

std::string type_of(const Field& f) {
  return f.kind == Kind::StringList ? "array<string>" : testing::json_type(f.kind);
}

std::string verbs_text(unsigned v) {
  std::string out;
  for (auto [bit, name] :
       {std::pair{kPost, "POST"}, std::pair{kPatch, "PATCH"}, std::pair{kPut, "PUT"}}) {
    if ((v & bit) != 0U) out += (out.empty() ? "" : "|") + std::string(name);
  }
  return out.empty() ? "none" : out;
}

// A decided difference: the aspect of every field at or below path. The reason is the
// heading of its section in docs/api-fidelity.md.
struct Deviation {
  Resource resource;
  std::string path;
  std::string aspect;
  std::string section;
};

const std::vector<Deviation>& deviations() {
  static const std::vector<Deviation> list{
      {Resource::Meeting, "recording_config", "verbs", "recording_config in PATCH"},
      {Resource::Meeting, "recording_config.storage_config.secret", "write_only",
       "write-only credentials"},
      {Resource::Meeting, "recording_config.storage_config.password", "write_only",
       "write-only credentials"},
      {Resource::Meeting, "recording_config.storage_config.private_key", "write_only",
       "write-only credentials"},
      {Resource::Meeting, "status", "default", "status of a new meeting"},
      {Resource::Participant, "preset_name", "default", "preset_name is required"},
  };
  return list;
}

bool under(const std::string& path, const std::string& prefix) {
  return path == prefix || path.rfind(prefix + ".", 0) == 0;
}

class Comparison {
 public:
  explicit Comparison(Resource r) : r_(r) {}

  void differs(const std::string& path, const std::string& aspect, const std::string& what) {
    for (const auto& d : deviations()) {
      if (d.resource == r_ && d.aspect == aspect && under(path, d.path)) {
        used_.insert(&d);
        return;
      }
    }
    ADD_FAILURE() << (r_ == Resource::Meeting ? "meeting " : "participant ") << path << ": "
                  << aspect << ": " << what;
  }
  [[nodiscard]] bool used(const Deviation& d) const { return used_.count(&d) != 0U; }

 private:
  Resource r_;
  std::set<const Deviation*> used_;
};

void compare_field(const Field& f, const ContractField& c, Comparison& cmp) {
  std::string path(f.path);
  if (c.types != std::set<std::string>{type_of(f)}) {
    std::string types;
    for (const auto& t : c.types) types += t + " ";
    cmp.differs(path, "type", "table " + type_of(f) + ", contract " + types);
  }
  std::set<std::string> enums(f.enum_values.begin(), f.enum_values.end());
  if ((f.kind == Kind::Enum) != !c.enums.empty() || enums != c.enums)
    cmp.differs(path, "enum", "enum values differ");
  if (f.min != c.min || f.max != c.max) cmp.differs(path, "range", "minimum/maximum differ");
  if (f.has(kUrl) != c.uri) cmp.differs(path, "url", "format uri differs");
  if (f.has(kWriteOnly) != c.write_only)
    cmp.differs(
        path, "write_only",
        f.has(kWriteOnly) ? "write-only only in the table" : "write-only only in the contract");
  std::optional<json> table_default;
  if (!f.default_json.empty()) table_default = json::parse(f.default_json);
  if (table_default != c.default_value) cmp.differs(path, "default", "defaults differ");
  unsigned verbs = f.has(kReadOnly) ? 0U : f.verbs;
  if (verbs != c.verbs)
    cmp.differs(path, "verbs", "table " + verbs_text(verbs) + ", contract " + verbs_text(c.verbs));
  unsigned both = verbs & c.verbs;
  if ((f.nullable & both) != (c.nullable & both))
    cmp.differs(path, "nullable",
                "table null on " + verbs_text(f.nullable & both) + ", contract null on " +
                    verbs_text(c.nullable & both));
  bool contract_required = (c.required & both) != 0U;
  if (f.has(kRequired) != contract_required) cmp.differs(path, "required", "required flag differs");
}

void compare(Resource r, const std::string& list_section) {
  ContractFields c = contract_fields(r);
  std::set<std::string> listed = seed_list_fields(list_section);
  Comparison cmp(r);
  for (const auto& f : fields(r)) {
    if (f.has(kLocal)) continue;
    std::string path(f.path);
    auto it = c.find(path);
    if (it == c.end()) {
      cmp.differs(path, "exists", "in the table, not in the contract");
      continue;
    }
    compare_field(f, it->second, cmp);
    if (f.parent().empty() && f.has(kSummary) != (listed.count(path) != 0U))
      cmp.differs(path, "summary", "list fields differ from seed 001");
  }
  for (const auto& [path, info] : c) {
    if (find_field(r, path) == nullptr)
      cmp.differs(path, "exists", "in the contract, not the table");
  }
  for (const auto& d : deviations()) {
    if (d.resource == r) {
      EXPECT_TRUE(cmp.used(d)) << d.path << " " << d.aspect << ": stale deviation";
    }
  }
}

TEST(ContractTable, MeetingFieldsMatchTheContract) {
  compare(Resource::Meeting, "## Fetch all meetings for an App");
}

TEST(ContractTable, ParticipantFieldsMatchTheContract) {
  compare(Resource::Participant, "## Fetch all participants of a meeting");
}

TEST(ContractTable, EveryDeviationIsDocumented) {
  std::string doc = read_text(std::string(RTKSYNC_SOURCE_DIR) + "/docs/api-fidelity.md");
  for (const auto& d : deviations()) {
    EXPECT_NE(doc.find("### " + d.section), std::string::npos) << d.section;
  }
}

// The comparison is not vacuous: a table that drifted from the contract is caught.
TEST(ContractTable, ADifferenceIsCaught) {
  ContractFields c = contract_fields(Resource::Meeting);
  Field drifted = *find_field(Resource::Meeting, "ai_config.summarization.word_limit");
  drifted.max = 2000;
  Comparison cmp(Resource::Meeting);
  EXPECT_NONFATAL_FAILURE(compare_field(drifted, c.at(std::string(drifted.path)), cmp), "range");
}

}  // namespace
}  // namespace rtk::model
