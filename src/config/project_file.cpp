#include "config/project_file.hpp"

#include <algorithm>
#include <climits>

#include "model/json_schema.hpp"

namespace rtk::config {
namespace {

using model::json;

json string_schema() {
  return {{"type", "string"}, {"minLength", 1}};
}

json include_schema() {
  return {{"anyOf", json::array({{{"type", "string"}},
                                 {{"type", "array"}, {"items", {{"type", "string"}}}}})},
          {"default", model::Project{}.include}};
}

json state_schema() {
  json out = string_schema();
  out["default"] = model::Project{}.state_path;
  return out;
}

json environments_schema() {
  const json text{{"type", "string"}, {"minLength", 1}};
  json env{{"type", "object"},
           {"additionalProperties", false},
           {"properties",
            {{"account_id", text},
             {"app_id", text},
             {"state", text},
             {"values",
              {{"type", "object"},
               {"additionalProperties", {{"type", "string"}}},
               {"description", "What ${var:NAME} reads in meeting files."}}}}}};
  return {{"type", "object"}, {"additionalProperties", env}};
}

json limits_schema() {
  const model::SafetyLimits defaults;
  json props = json::object();
  for (const auto& k : limit_keys()) {
    json p{{"type", "integer"}, {"minimum", 0}, {"description", k.doc}};
    if (k.max != LONG_MAX) p["maximum"] = k.max;
    p["default"] = static_cast<long>(k.get(defaults));
    props[k.name] = p;
  }
  return {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
}

}  // namespace

const std::vector<ProjectKey>& project_keys() {
  static const std::vector<ProjectKey> keys{
      {"account_id",
       "Cloudflare account id. $CLOUDFLARE_ACCOUNT_ID overrides the file; --account-id "
       "overrides both. Required (here or there).",
       string_schema},
      {"app_id",
       "RealtimeKit app id. $RTKSYNC_APP_ID, then --app-id, override. Required (here or there).",
       string_schema},
      {"include",
       "Globs of meeting files, relative to this file's directory: ** matches any depth; *, ? "
       "and [...] match within one path segment.",
       include_schema},
      {"state", "The state file, relative to this file's directory.", state_schema},
      {"defaults",
       "Meeting fields applied to every meeting; a meeting's own value wins (objects merge key "
       "by key).",
       model::meeting_fields_schema},
      {"limits",
       "Safety limits: a plan past them is refused without --allow-removals or "
       "--allow-updates.",
       limits_schema},
      {"environments",
       "Several targets in one repository: each with account_id, app_id, state (default "
       ".rtksync/state-NAME.json) and values for ${var:NAME}; --environment NAME selects one.",
       environments_schema},
  };
  return keys;
}

std::vector<std::string> project_key_names() {
  std::vector<std::string> out;
  for (const auto& k : project_keys()) out.emplace_back(k.name);
  return out;
}

bool is_project_key(std::string_view name) {
  return std::any_of(project_keys().begin(), project_keys().end(),
                     [&](const ProjectKey& k) { return k.name == name; });
}

const std::vector<LimitKey>& limit_keys() {
  using L = model::SafetyLimits;
  static const std::vector<LimitKey> keys{
      {"max_deactivations", LONG_MAX,
       "A plan taking more meetings than this out of service is refused without "
       "--allow-removals.",
       [](L& l, long n) { l.max_deactivations = static_cast<int>(n); },
       [](const L& l) { return static_cast<double>(l.max_deactivations); }},
      {"max_participant_removal_percent", 100,
       "A plan removing more than this share of a meeting's participants (and more than "
       "min_participant_removals) is refused without --allow-removals.",
       [](L& l, long n) { l.max_participant_removal_percent = static_cast<double>(n); },
       [](const L& l) { return l.max_participant_removal_percent; }},
      {"min_participant_removals", LONG_MAX,
       "Participant removals above the percentage are allowed up to this many.",
       [](L& l, long n) { l.min_participant_removals = static_cast<int>(n); },
       [](const L& l) { return static_cast<double>(l.min_participant_removals); }},
      {"max_update_percent", 100,
       "A plan updating or replacing more than this share of the existing managed meetings "
       "(and more than min_updates) is refused without --allow-updates.",
       [](L& l, long n) { l.max_update_percent = static_cast<double>(n); },
       [](const L& l) { return l.max_update_percent; }},
      {"min_updates", LONG_MAX, "Updates above the percentage are allowed up to this many.",
       [](L& l, long n) { l.min_updates = static_cast<int>(n); },
       [](const L& l) { return static_cast<double>(l.min_updates); }},
  };
  return keys;
}

json project_file_schema() {
  json props = json::object();
  for (const auto& k : project_keys()) {
    json p = k.schema();
    p["description"] = k.doc;
    props[std::string(k.name)] = p;
  }
  return json{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"title", "rtksync project file (rtksync.yaml)"},
              {"type", "object"},
              {"additionalProperties", false},
              {"properties", props}};
}

}  // namespace rtk::config
