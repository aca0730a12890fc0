#include "model/json_schema.hpp"

#include "model/field_table.hpp"

namespace rtk::model {
namespace {

json schema_of(Resource r, const Field& f);

json object_schema(Resource r, std::string_view path) {
  json props = json::object();
  json required = json::array();
  for (const Field* c : children(r, path)) {
    if (c->has(kReadOnly)) continue;
    props[std::string(c->name())] = schema_of(r, *c);
    if (c->has(kRequired) && !path.empty()) required.push_back(std::string(c->name()));
  }
  json out{{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (!required.empty()) out["required"] = required;
  return out;
}

json schema_of(Resource r, const Field& f) {
  json out;
  switch (f.kind) {
    case Kind::Bool:
      out = {{"type", "boolean"}};
      break;
    case Kind::Integer:
      out = {{"type", "integer"}};
      break;
    case Kind::Number:
      out = {{"type", "number"}};
      break;
    case Kind::String:
      out = {{"type", "string"}};
      break;
    case Kind::Enum:
      out = {{"type", "string"}, {"enum", json::array()}};
      for (auto v : f.enum_values) out["enum"].push_back(v);
      break;
    case Kind::StringList:
      out = {{"type", "array"}, {"items", {{"type", "string"}}}};
      break;
    case Kind::Object:
      out = object_schema(r, f.path);
      break;
  }
  if (f.removable()) {  // null removes it (a nested object, or a field the API clears)
    out["type"] = json::array({out["type"], "null"});
    if (out.contains("enum")) out["enum"].push_back(nullptr);
  }
  if (f.min) out["minimum"] = *f.min;
  if (f.max) out["maximum"] = *f.max;
  if (f.has(kUrl)) out["format"] = "uri";
  std::string doc(f.doc);
  if (f.has(kSecret)) doc += " Secret: use ${env:NAME}.";
  if (f.removable()) doc += " null removes it.";
  out["description"] = doc;
  if (!f.default_json.empty()) out["default"] = json::parse(f.default_json);
  return out;
}

}  // namespace

json meeting_fields_schema() {
  return object_schema(Resource::Meeting, "");
}

json meeting_file_schema() {
  json meeting = meeting_fields_schema();
  json participant = object_schema(Resource::Participant, "");
  participant["required"] = json::array();
  for (auto name : model::required_on_create(Resource::Participant, ""))
    participant["required"].push_back(std::string(name));
  meeting["properties"]["participants"] = {
      {"type", "array"},
      {"description",
       "The participants: those not listed are removed (unless participants_policy is "
       "additive)."},
      {"items", participant}};
  json managed_paths = json::array();
  for (const auto& f : fields(Resource::Meeting)) {
    if (!f.has(kReadOnly) && !f.has(kLocal) && f.verbs != 0)
      managed_paths.push_back(std::string(f.path));
  }
  meeting["properties"]["ignore_changes"] = {
      {"type", "array"},
      {"items", {{"type", "string"}, {"enum", managed_paths}}},
      {"description",
       "rtksync only: field paths another system owns. A create sets them; later plans never "
       "change them."}};
  meeting["properties"]["participants_policy"] = {
      {"type", "string"},
      {"enum", {"authoritative", "additive"}},
      {"default", "authoritative"},
      {"description",
       "rtksync only: authoritative removes participants the list does not name; additive "
       "never removes any."}};
  meeting["properties"]["import_id"] = {
      {"type", "string"},
      {"minLength", 1},
      {"description",
       "rtksync only: the id of the existing meeting `rtksync import --by-title` binds this key "
       "to (written by `rtksync export` where titles repeat)."}};
  return json{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"title", "rtksync meeting file"},
              {"type", "object"},
              {"additionalProperties", false},
              {"properties",
               {{"meetings",
                 {{"type", "object"},
                  {"description", "Meetings by key (stable identity in this repo)."},
                  {"additionalProperties", meeting}}}}}};
}

}  // namespace rtk::model
