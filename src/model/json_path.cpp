#include "model/json_path.hpp"

#include <string>

namespace rtk::model {
namespace {

template <class Fn>
void for_each_segment(std::string_view path, Fn&& fn) {
  size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    bool last = dot == std::string_view::npos;
    auto seg = path.substr(start, last ? std::string_view::npos : dot - start);
    if (!fn(seg, last)) return;
    if (last) return;
    start = dot + 1;
  }
}

}  // namespace

const json* get_path(const json& root, std::string_view path) {
  const json* cur = &root;
  for_each_segment(path, [&](std::string_view seg, bool /*last*/) {
    if (cur == nullptr || !cur->is_object()) {
      cur = nullptr;
      return false;
    }
    auto it = cur->find(std::string(seg));
    cur = it == cur->end() ? nullptr : &*it;
    return cur != nullptr;
  });
  return cur;
}

void set_path(json& root, std::string_view path, json value) {
  json* cur = &root;
  for_each_segment(path, [&](std::string_view seg, bool last) {
    if (!cur->is_object()) *cur = json::object();
    json& next = (*cur)[std::string(seg)];
    if (last) next = std::move(value);
    cur = &next;
    return true;
  });
}

std::string string_at(const json& root, std::string_view path) {
  const json* v = get_path(root, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

void erase_path(json& root, std::string_view path) {
  json* parent = &root;
  auto dot = path.rfind('.');
  if (dot != std::string_view::npos) {
    for_each_segment(path.substr(0, dot), [&](std::string_view seg, bool /*last*/) {
      auto it = parent->is_object() ? parent->find(std::string(seg)) : parent->end();
      parent = (parent->is_object() && it != parent->end()) ? &*it : nullptr;
      return parent != nullptr;
    });
  }
  if (parent != nullptr && parent->is_object()) {
    parent->erase(std::string(dot == std::string_view::npos ? path : path.substr(dot + 1)));
  }
}

json without_nulls(const json& value) {
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [k, v] : value.items()) {
    if (!v.is_null()) out[k] = without_nulls(v);
  }
  return out;
}

}  // namespace rtk::model
