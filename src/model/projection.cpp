#include "model/projection.hpp"

namespace rtk::model {
namespace {

json project_at(Resource r, const json& value, std::string_view parent,
                const std::function<bool(const Field&)>& keep, bool keep_unknown) {
  json out = json::object();
  for (const auto& [key, item] : value.items()) {
    std::string path = join_path(parent, key);
    const Field* field = find_field(r, path);
    if (field == nullptr) {
      if (keep_unknown) out[key] = item;
      continue;
    }
    if (!keep(*field)) continue;
    if (field->kind == Kind::Object && item.is_object()) {
      out[key] = project_at(r, item, path, keep, keep_unknown);
    } else {
      out[key] = item;
    }
  }
  return out;
}

// Removes, in table order (parents first), the values for which drop(field, value) holds.
void erase_where(Resource r, json& value,
                 const std::function<bool(const Field&, const json&)>& drop) {
  for (const auto& field : fields(r)) {
    const json* v = get_path(value, field.path);
    if (v != nullptr && drop(field, *v)) erase_path(value, field.path);
  }
}

}  // namespace

json project(Resource r, const json& value, const std::function<bool(const Field&)>& keep,
             bool keep_unknown) {
  if (!value.is_object()) return value;
  return project_at(r, value, "", keep, keep_unknown);
}

json body_for(Resource r, const json& value, Verb verb) {
  json out =
      project(r, value, [verb](const Field& f) { return f.accepts(verb) && !f.has(kLocal); });
  erase_where(r, out, [verb](const Field& f, const json& v) {
    return (v.is_null() && !f.accepts_null(verb)) || f.server_chosen(v);
  });
  return out;
}

json without_server_chosen(Resource r, const json& value) {
  json out = value;
  erase_where(r, out, [](const Field& f, const json& v) { return f.server_chosen(v); });
  return out;
}

json summary_of(Resource r, const json& value) {
  return project(r, value, [](const Field& f) { return f.has(kSummary); });
}

json without_write_only(Resource r, const json& value) {
  return project(
      r, value, [](const Field& f) { return !f.has(kWriteOnly) && !f.has(kLocal); }, true);
}

json with_nested_defaults(Resource r, const json& value) {
  json out = value;
  for (const auto& field : fields(r)) {
    if (field.default_json.empty() || field.parent().empty()) continue;
    const json* parent = get_path(out, field.parent());
    if (parent == nullptr || !parent->is_object() || parent->contains(std::string(field.name())))
      continue;
    set_path(out, field.path, json::parse(field.default_json));
  }
  return out;
}

json without_secrets(Resource r, const json& value) {
  return project(
      r, value, [](const Field& f) { return !f.has(kSecret) && !f.has(kLocal); }, true);
}

json redact(Resource r, const json& value) {
  if (!value.is_object()) return value;
  json out = project(
      r, value, [](const Field&) { return true; }, true);
  for_each_leaf(r, value, [&](const Field& f, const json&) {
    if (f.has(kSecret)) set_path(out, f.path, kSensitive);
  });
  return out;
}

void for_each_leaf(Resource r, const json& value,
                   const std::function<void(const Field&, const json&)>& fn) {
  for (const auto& field : fields(r)) {
    if (field.kind == Kind::Object) continue;
    if (const json* v = get_path(value, field.path)) fn(field, *v);
  }
}

}  // namespace rtk::model
