#include "config/references.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rtk::config {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

bool has_reference(std::string_view text) {
  return text.find("${env:") != std::string_view::npos ||
         text.find("${file:") != std::string_view::npos;
}

std::vector<std::string> missing_env(std::string_view text, const EnvLookup& env) {
  std::vector<std::string> out;
  for (size_t at = text.find("${env:"); at != std::string_view::npos;
       at = text.find("${env:", at + 1)) {
    size_t close = text.find('}', at);
    if (close == std::string_view::npos) break;
    std::string name(text.substr(at + 6, close - at - 6));
    if (!env(name)) out.push_back(name);
  }
  return out;
}

Result<std::string> read_in_repository(const std::string& name, const std::string& root) {
  namespace fs = std::filesystem;
  const std::string shown = "${file:" + name + "}";
  if (fs::path(name).is_absolute()) {
    return Error{shown + ": the path must be relative to the repository (the directory of the " +
                 "project file), not absolute"};
  }
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(fs::absolute(root, ec), ec);
  const fs::path target = fs::weakly_canonical(base / name, ec);  // resolves .. and symlinks
  if (ec) return Error{"cannot read file " + name + " (referenced as " + shown + ")"};
  auto [in_base, in_target] = std::mismatch(base.begin(), base.end(), target.begin(), target.end());
  if (in_base != base.end()) {
    return Error{shown + " leads outside the repository (through .. or a symbolic link); " +
                 "only files inside it can be referenced"};
  }
  std::ifstream in(target, std::ios::binary);
  if (!in || fs::is_directory(target)) {
    return Error{"cannot read file " + name + " (referenced as " + shown + ")"};
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string s = content.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

Result<std::string> resolve_references(std::string_view text, const std::string& root,
                                       const EnvLookup& env) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool env_ref = text.substr(i, 6) == "${env:";
    bool file_ref = text.substr(i, 7) == "${file:";
    if (!env_ref && !file_ref) {
      out += text[i++];
      continue;
    }
    size_t start = i + (env_ref ? 6 : 7);
    size_t close = text.find('}', start);
    if (close == std::string_view::npos) {
      return Error{"unterminated reference " + std::string(text.substr(i)) + " (missing '}')"};
    }
    std::string name(text.substr(start, close - start));
    if (name.empty()) return Error{"empty reference name in " + std::string(text)};
    if (env_ref) {
      auto value = env(name);
      if (!value) return Error{"environment variable " + name + " is not set"};
      out += *value;
    } else {
      auto content = read_in_repository(name, root);
      if (!content) return content.error();
      out += content.value();
    }
    i = close + 1;
  }
  return out;
}

std::string scrub(std::string text, const std::string& value, const std::string& reference) {
  if (value.empty() || value == reference) return text;
  for (size_t at = text.find(value); at != std::string::npos;
       at = text.find(value, at + reference.size())) {
    text.replace(at, value.size(), reference);
  }
  return text;
}

Result<model::json> resolve_all(const model::json& value, const std::string& root,
                                const EnvLookup& env) {
  if (value.is_string()) {
    auto r = resolve_references(value.get<std::string>(), root, env);
    if (!r) return r.error();
    return model::json(std::move(r).value());
  }
  if (value.is_object() || value.is_array()) {
    model::json out = value;
    for (auto& [k, v] : out.items()) {
      auto r = resolve_all(v, root, env);
      if (!r) return r.error();
      v = std::move(r).value();
    }
    return out;
  }
  return value;
}

}  // namespace rtk::config
