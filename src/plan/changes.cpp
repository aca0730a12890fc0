#include "plan/changes.hpp"

#include "model/json_path.hpp"
#include "model/projection.hpp"

namespace rtk::plan {

using model::Field;
using model::Resource;

namespace {

const std::string* reference_of(const model::References& refs, const std::string& path) {
  auto it = refs.find(path);
  return it == refs.end() ? nullptr : &it->second;
}

}  // namespace

json overlay(const json& observed, const json& desired) {
  if (!observed.is_object() || !desired.is_object()) return desired;
  json out = observed;
  for (const auto& [k, v] : desired.items()) {
    out[k] = out.contains(k) ? overlay(out[k], v) : v;
  }
  return out;
}

void put_references(json& body, const model::References& references) {
  for (const auto& [path, ref] : references) {
    if (model::get_path(body, path) != nullptr) model::set_path(body, path, ref);
  }
}

FieldChange change_of(const Field& f, const json* before, const json& after,
                      const model::References& refs) {
  const std::string path(f.path);
  const std::string* ref = reference_of(refs, path);
  const bool sensitive = f.has(model::kSecret) || ref != nullptr;
  FieldChange c{path, before != nullptr ? *before : json(), after, sensitive, ""};
  if (sensitive) c.before = model::kSensitive;
  if (ref != nullptr) {
    c.reference = *ref;
    c.after = *ref;
  } else if (sensitive) {
    c.after = model::kSensitive;
  }
  return c;
}

std::vector<FieldChange> creation_changes(Resource r, const json& body,
                                          const model::References& refs) {
  std::vector<FieldChange> out;
  model::for_each_leaf(r, body, [&](const Field& f, const json& v) {
    FieldChange c = change_of(f, nullptr, v, refs);
    c.before = json();
    out.push_back(std::move(c));
  });
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace rtk::plan
