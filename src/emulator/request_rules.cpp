#include "emulator/request_rules.hpp"

#include <algorithm>
#include <cmath>

#include "model/iso_time.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "model/validate.hpp"

namespace rtk::emulator {
namespace {

using model::Resource;

// Merges objects key by key (the patch-merge quirk); a null removes.
void deep_merge(json& into, const json& from) {
  for (const auto& [key, value] : from.items()) {
    if (value.is_null()) {
      into.erase(key);
    } else if (value.is_object() && into.contains(key) && into[key].is_object()) {
      deep_merge(into[key], value);
    } else {
      into[key] = model::without_nulls(value);
    }
  }
}

}  // namespace

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && std::isxdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Reply ok(json data, int status) {
  return Reply{status, json{{"success", true}, {"data", std::move(data)}}};
}

// Parses a JSON body and validates it for a verb; on failure fills err.
bool parse_body(const std::string& text, Resource r, model::Verb verb, json& out, Reply& err) {
  out = json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
  if (out.is_discarded()) {
    err = error_reply(400, "request body is not valid JSON");
    return false;
  }
  auto violations = model::validate_body(r, out, verb);
  if (!violations.empty()) {
    std::string msg;
    for (const auto& v : violations) msg += (msg.empty() ? "" : "; ") + v.message;
    err = error_reply(400, msg);
    return false;
  }
  return true;
}

// PUT semantics: every replaceable field takes the body's value or returns to its default.
void replace_fields(Resource r, json& object, const json& body) {
  for (const model::Field* f : model::children(r, "")) {
    if (!f->accepts(model::kPut)) continue;
    std::string key(f->name());
    if (body.contains(key) && !body[key].is_null()) {
      object[key] = model::without_nulls(body[key]);
    } else if (!f->default_json.empty()) {
      object[key] = json::parse(f->default_json);
    } else {
      object.erase(key);
    }
  }
}

// PATCH semantics: the given top-level fields are replaced (nested objects as a whole, or
// merged under the patch-merge quirk); a null clears an optional field and leaves a
// required one as it was.
void merge_top_level(Resource r, json& object, const json& body, bool deep) {
  for (const auto& [key, value] : body.items()) {
    if (deep && value.is_object() && object.contains(key) && object[key].is_object()) {
      deep_merge(object[key], value);
    } else if (!value.is_null()) {
      object[key] = model::without_nulls(value);
    } else if (const model::Field* f = model::find_field(r, key); !f->has(model::kRequired)) {
      object.erase(key);
    }
  }
}

// Top-level defaults a new meeting starts with (POST ignores status: always ACTIVE).
json new_meeting_defaults() {
  json out = json::object();
  for (const model::Field* f : model::children(Resource::Meeting, "")) {
    if (!f->default_json.empty()) out[std::string(f->name())] = json::parse(f->default_json);
  }
  return out;
}

// A paging parameter: the contract says number, minimum 0. A fraction is truncated; 0 and
// absence mean the fallback (page_no 0 is the first page).
bool parse_paging(const Query& q, const std::string& key, int fallback, int& out) {
  out = fallback;
  auto it = q.find(key);
  if (it == q.end()) return true;
  try {
    size_t used = 0;
    double v = std::stod(it->second, &used);
    if (used != it->second.size() || !std::isfinite(v) || v < 0) return false;
    if (v >= 1) out = static_cast<int>(std::min(v, 1e9));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<std::string> parse_filter(const Query& q, MeetingFilter& f) {
  auto get = [&](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::optional<std::string>() : it->second;
  };
  f.search = lower(get("search").value_or(""));
  if (auto status = get("status")) {
    if (model::check_value(*model::find_field(Resource::Meeting, "status"), *status))
      return "status must be ACTIVE or INACTIVE";
    f.status = *status;
  }
  for (auto [key, out] : {std::pair{"start_time", &f.start_ms}, std::pair{"end_time", &f.end_ms}}) {
    if (auto text = get(key)) {
      *out = model::parse_iso_time(*text);
      if (!*out) return std::string(key) + " must be an ISO 8601 date-time";
    }
  }
  return std::nullopt;
}

bool top_level_scalars_differ(const json& a, const json& b) {
  for (const auto* pair : {&a, &b}) {
    const json& other = pair == &a ? b : a;
    for (const auto& [key, value] : pair->items()) {
      if (value.is_object() || key == "updated_at") continue;
      if (!other.contains(key) || other[key] != value) return true;
    }
  }
  return false;
}

bool matches(const MeetingFilter& f, const std::string& id, const json& m) {
  std::string title = lower(m.value("title", ""));
  if (!f.search.empty() && lower(id) != f.search && title.find(f.search) == std::string::npos)
    return false;
  if (!f.status.empty() && m.value("status", "") != f.status) return false;
  auto created = model::parse_iso_time(m.value("created_at", "")).value_or(0);
  if (f.start_ms && created < *f.start_ms) return false;
  return !(f.end_ms && created > *f.end_ms);
}

}  // namespace rtk::emulator
