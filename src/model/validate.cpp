#include "model/validate.hpp"

#include <cctype>
#include <cmath>
#include <sstream>

namespace rtk::model {
namespace {

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string enum_list(const Field& field) {
  std::string out;
  for (auto v : field.enum_values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

std::optional<std::string> check_range(const Field& field, double v) {
  bool low = field.min && v < *field.min;
  bool high = field.max && v > *field.max;
  if (!low && !high) return std::nullopt;
  std::string range = field.max ? format_number(*field.min) + ".." + format_number(*field.max)
                                : ">= " + format_number(*field.min);
  return std::string(field.name()) + " must be " + range + ", got " + format_number(v);
}

std::string type_error(const Field& field, const json& value) {
  return "expected " + std::string(kind_name(field.kind)) + " for " + std::string(field.name()) +
         ", got " + describe_json_type(value);
}

void validate_object(Resource r, const json& obj, std::string_view parent, Verb verb,
                     std::vector<Violation>& out) {
  for (const auto& [key, value] : obj.items()) {
    std::string path = join_path(parent, key);
    const Field* field = find_field(r, path);
    if (field == nullptr || field->has(kLocal)) {
      out.push_back({path, "unknown field " + path});
      continue;
    }
    if (field->has(kReadOnly)) {
      out.push_back({path, path + " is read-only"});
      continue;
    }
    if (!field->accepts(verb)) {
      out.push_back({path, path + " cannot be set by this request"});
      continue;
    }
    if (value.is_null()) {
      if (!field->accepts_null(verb)) out.push_back({path, path + " cannot be null here"});
      continue;
    }
    if (auto problem = check_value(*field, value)) {
      out.push_back({path, *problem});
      continue;
    }
    if (field->kind == Kind::Object) validate_object(r, value, path, verb, out);
  }
  for (const Field* child : children(r, parent)) {
    bool parent_given = !parent.empty() || verb == kPost || verb == kPut;
    if (child->has(kRequired) && parent_given && child->accepts(verb) &&
        !obj.contains(std::string(child->name()))) {
      out.push_back({std::string(child->path), std::string(child->path) + " is required"});
    }
  }
}

}  // namespace

std::string describe_json_type(const json& value) {
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number " + value.dump();
  if (value.is_string()) return "string";
  if (value.is_array()) return "list";
  if (value.is_object()) return "mapping";
  return "null";
}

bool is_url(std::string_view text) {
  auto colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = text[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
    if (!ok || (i == 0 && std::isalpha(static_cast<unsigned char>(c)) == 0)) return false;
  }
  auto host = text.substr(colon + 3);
  if (host.empty() || host.front() == '/') return false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) return false;
  }
  return true;
}

std::optional<std::string> check_value(const Field& field, const json& value) {
  switch (field.kind) {
    case Kind::Bool:
      if (!value.is_boolean()) return type_error(field, value);
      return std::nullopt;
    case Kind::Integer:
      if (!value.is_number() || value.is_boolean()) return type_error(field, value);
      if (value.is_number_float()) {
        double d = value.get<double>();
        if (std::floor(d) != d) return type_error(field, value);
      }
      return check_range(field, value.get<double>());
    case Kind::Number:
      if (!value.is_number()) return type_error(field, value);
      return check_range(field, value.get<double>());
    case Kind::String:
      if (!value.is_string()) return type_error(field, value);
      if (field.has(kUrl) && !is_url(value.get<std::string>())) {
        return std::string(field.name()) + " must be a URL (scheme://host/...), got \"" +
               value.get<std::string>() + "\"";
      }
      return std::nullopt;
    case Kind::Enum: {
      if (!value.is_string()) return type_error(field, value);
      auto s = value.get<std::string>();
      for (auto allowed : field.enum_values) {
        if (allowed == s) return std::nullopt;
      }
      return std::string(field.name()) + " must be one of " + enum_list(field) + "; got \"" + s +
             "\"";
    }
    case Kind::StringList:
      if (!value.is_array()) return type_error(field, value);
      for (const auto& item : value) {
        if (!item.is_string())
          return "every item of " + std::string(field.name()) + " must be a string";
      }
      return std::nullopt;
    case Kind::Object:
      if (!value.is_object()) return type_error(field, value);
      return std::nullopt;
  }
  return std::nullopt;
}

std::vector<Violation> cross_field_rules(const json& meeting) {
  std::vector<Violation> out;
  const json* video_codec = get_path(meeting, "recording_config.video_config.codec");
  const json* audio_codec = get_path(meeting, "recording_config.audio_config.codec");
  if (video_codec != nullptr && audio_codec != nullptr && *video_codec == "VP8") {
    out.push_back({"recording_config.audio_config.codec",
                   "audio codec cannot be set when video codec is VP8 (the API forces vorbis)"});
  }
  const json* summarize = get_path(meeting, "summarize_on_end");
  if (summarize != nullptr && *summarize == true &&
      get_path(meeting, "ai_config.transcription") == nullptr) {
    out.push_back({"summarize_on_end",
                   "summarize_on_end needs transcription; set ai_config.transcription", false});
  }
  const json* storage = get_path(meeting, "recording_config.storage_config");
  const json* type = storage != nullptr ? get_path(*storage, "type") : nullptr;
  if (type != nullptr && type->is_string()) {
    const std::string t = type->get<std::string>();
    for (const Field* child : children(Resource::Meeting, "recording_config.storage_config")) {
      if (!child->used_by_storage(t) && storage->contains(std::string(child->name()))) {
        std::string users;
        for (auto u : child->storage_types) users += (users.empty() ? "" : ", ") + std::string(u);
        out.push_back({std::string(child->path),
                       std::string(child->name()) + " applies only to storage type" +
                           (child->storage_types.size() > 1 ? "s " : " ") + users + ", not " + t,
                       false});
      }
    }
  }
  return out;
}

void apply_server_choices(json& meeting) {
  const json* video_codec = get_path(meeting, "recording_config.video_config.codec");
  if (video_codec == nullptr || *video_codec != "VP8") return;
  const Field* audio = find_field(Resource::Meeting, "recording_config.audio_config.codec");
  set_path(meeting, audio->path, std::string(audio->server_values.front()));
}

std::vector<Violation> validate_body(Resource r, const json& body, Verb verb) {
  std::vector<Violation> out;
  if (!body.is_object()) {
    out.push_back({"", "request body must be a JSON object"});
    return out;
  }
  validate_object(r, body, "", verb, out);
  if (r == Resource::Meeting && out.empty()) {
    for (auto& v : cross_field_rules(body)) {
      if (v.error) out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace rtk::model
