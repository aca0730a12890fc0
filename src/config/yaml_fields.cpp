#include "config/yaml_fields.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "config/environments.hpp"
#include "model/validate.hpp"

namespace rtk::config {
namespace {

using model::Field;
using model::json;
using model::Kind;

bool is_plain(const YAML::Node& n) {
  return n.Tag() == "?";
}

std::string shape_of(const YAML::Node& n) {
  if (n.IsMap()) return "mapping";
  if (n.IsSequence()) return "list";
  if (n.IsNull()) return "nothing";
  if (!is_plain(n)) return "string \"" + n.Scalar() + "\"";
  return "\"" + n.Scalar() + "\"";
}

std::optional<double> scalar_number(const YAML::Node& n) {
  if (!is_plain(n)) return std::nullopt;
  const std::string& s = n.Scalar();
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string expected(const Field& f, const YAML::Node& n) {
  return "expected " + std::string(model::kind_name(f.kind)) + " for " + std::string(f.name()) +
         ", got " + shape_of(n);
}

// Converts one node to JSON for its field; nullopt (with a diagnostic) when impossible.
std::optional<json> convert(const YAML::Node& n, const Field& f, const FileContext& ctx) {
  auto fail = [&](std::string msg) -> std::optional<json> {
    ctx.diags->error(ctx.pos(n), std::move(msg));
    return std::nullopt;
  };
  if (n.IsNull()) {  // `null`, `~` or nothing: remove it, where the API can
    if (f.removable()) return json(nullptr);
    return fail(std::string(f.name()) +
                " cannot be null: the API cannot remove it (leave it out to stop managing it)");
  }
  switch (f.kind) {
    case Kind::Object:
      if (!n.IsMap()) return fail(expected(f, n));
      return json::object();
    case Kind::StringList: {
      if (!n.IsSequence()) return fail(expected(f, n));
      json out = json::array();
      for (const auto& item : n) {
        if (!item.IsScalar())
          return fail("every item of " + std::string(f.name()) + " must be a string");
        if (has_reference(item.Scalar())) {
          return fail("${env:...} and ${file:...} references are not supported inside lists (" +
                      std::string(f.name()) + ")");
        }
        out.push_back(item.Scalar());
      }
      return out;
    }
    case Kind::Bool:
      if (n.IsScalar() && is_plain(n)) {
        const auto& s = n.Scalar();
        if (s == "true" || s == "True" || s == "TRUE") return json(true);
        if (s == "false" || s == "False" || s == "FALSE") return json(false);
      }
      return fail(expected(f, n) + " (write true or false)");
    case Kind::Integer:
      if (n.IsScalar()) {
        if (auto i = scalar_integer(n)) return json(*i);
        if (scalar_number(n)) {
          return fail("expected integer for " + std::string(f.name()) + ", got " + n.Scalar() +
                      " (a fractional number)");
        }
      }
      return fail(expected(f, n));
    case Kind::Number:
      if (n.IsScalar()) {
        if (auto i = scalar_integer(n)) return json(*i);
        if (auto d = scalar_number(n)) return json(*d);
      }
      return fail(expected(f, n));
    case Kind::String:
    case Kind::Enum:
      if (!n.IsScalar()) return fail(expected(f, n));
      return json(n.Scalar());
  }
  return std::nullopt;
}

std::vector<std::string> candidate_names(model::Resource r, const std::string& parent,
                                         const std::set<std::string>& extra_keys) {
  std::vector<std::string> out(extra_keys.begin(), extra_keys.end());
  for (const Field* c : model::children(r, parent)) {
    if (!c->has(model::kReadOnly)) out.emplace_back(c->name());
  }
  return out;
}

}  // namespace

model::SourcePos FileContext::pos(const YAML::Mark& mark) const {
  if (mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

model::SourcePos FileContext::pos(const YAML::Node& node) const {
  return pos(node.Mark());
}

std::optional<long> scalar_integer(const YAML::Node& node) {
  if (!node.IsScalar() || !is_plain(node)) return std::nullopt;
  const std::string& s = node.Scalar();
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool expect_map(const YAML::Node& node, const FileContext& ctx, const std::string& what) {
  if (node.IsMap()) return true;
  ctx.diags->error(ctx.pos(node), "expected a mapping for " + what + ", got " + shape_of(node));
  return false;
}

void for_each_entry(
    const YAML::Node& map, const FileContext& ctx,
    const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& fn) {
  std::map<std::string, model::SourcePos> seen;
  // yaml-cpp iterators yield entries by value, and `it->first` is a member of a temporary
  // proxy: a reference bound to it dangles (ASan: stack-use-after-scope). The range-for
  // keeps each entry alive for the whole iteration.
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      ctx.diags->error(ctx.pos(key), "keys must be plain strings");
      continue;
    }
    auto where = ctx.pos(key);
    auto [prev, inserted] = seen.emplace(key.Scalar(), where);
    if (!inserted) {
      ctx.diags->error(where, "duplicate key " + key.Scalar() + " (first at line " +
                                  std::to_string(prev->second.line) + ")");
      continue;
    }
    fn(key.Scalar(), key, entry.second);
  }
}

void read_fields(const YAML::Node& map, model::Resource r, const std::string& parent_path,
                 const FileContext& ctx, FieldSink& sink, const std::set<std::string>& extra_keys,
                 const std::string& where) {
  for_each_entry(
      map, ctx, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
        if (parent_path.empty() && extra_keys.count(key) != 0U) return;
        std::string path = model::join_path(parent_path, key);
        const Field* f = model::find_field(r, path);
        if (f == nullptr) {
          std::string msg = "unknown key " + key + " in " + where;
          auto hint = suggest(
              key, candidate_names(r, parent_path,
                                   parent_path.empty() ? extra_keys : std::set<std::string>{}));
          if (!hint.empty()) msg += "; did you mean `" + hint + "`?";
          ctx.diags->error(ctx.pos(key_node), msg);
          return;
        }
        if (f->has(model::kReadOnly)) {
          ctx.diags->error(ctx.pos(key_node),
                           key + " is set by the server and cannot be configured");
          return;
        }
        sink.positions[path] = ctx.pos(value);
        auto converted = convert(value, *f, ctx);
        if (!converted) return;
        if (converted->is_null()) {
          model::set_path(sink.fields, path, nullptr);
          return;
        }
        if (f->kind == Kind::Object) {
          model::set_path(sink.fields, path, json::object());
          read_fields(value, r, path, ctx, sink, {}, path);
          for (const Field* child : model::children(r, path)) {
            if (child->has(model::kRequired) && !value[std::string(child->name())]) {
              ctx.diags->error(ctx.pos(key_node), std::string(child->path) + " is required when " +
                                                      path + " is given");
            }
          }
          return;
        }
        std::string reference;  // the text a referenced value came from
        if (converted->is_string() && has_var(converted->get<std::string>())) {
          auto expanded = expand_vars(converted->get<std::string>(), ctx.vars);
          if (!expanded) {
            ctx.diags->error(ctx.pos(value), expanded.error().message);
            return;
          }
          *converted = std::move(expanded).value();
        }
        if (converted->is_string()) {
          const std::string text = converted->get<std::string>();
          if (has_reference(text)) {
            reference = text;
            sink.references[path] = text;
            auto missing = missing_env(text, *ctx.env);
            if (!ctx.strict_env && !missing.empty()) {
              for (const auto& name : missing) {
                ctx.diags->warning(ctx.pos(value), "environment variable " + name +
                                                       " is not set (plan and apply will need it)");
              }
              model::set_path(sink.fields, path, *converted);  // keep the reference text
              return;
            }
            auto resolved = resolve_references(text, ctx.root, *ctx.env);
            if (!resolved) {
              ctx.diags->error(ctx.pos(value), resolved.error().message);
              return;
            }
            *converted = std::move(resolved).value();
          } else if (f->has(model::kSecret)) {
            std::string var(f->name());
            std::transform(var.begin(), var.end(), var.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            ctx.diags->warning(ctx.pos(value),
                               std::string(f->name()) +
                                   " is a secret written literally; put it in an env "
                                   "reference such as ${env:REC_" +
                                   var + "}");
          }
        }
        if (auto problem = model::check_value(*f, *converted)) {
          // A message may quote the value: quote the reference instead.
          if (!reference.empty())
            problem = scrub(*problem, converted->get<std::string>(), reference);
          ctx.diags->error(ctx.pos(value), *problem);
          return;
        }
        model::set_path(sink.fields, path, std::move(*converted));
      });
}

}  // namespace rtk::config
