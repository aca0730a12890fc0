#include "config/yaml_fields.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "config/environments.hpp"
#include "config/yaml_gate.hpp"
#include "model/validate.hpp"

namespace rtk::config {
namespace {

using model::Field;
using model::json;
using model::Kind;

bool is_plain(const YamlNode& n) {
  return n.plain;
}

std::string shape_of(const YamlNode& n) {
  if (n.is_map()) return "mapping";
  if (n.is_sequence()) return "list";
  if (n.is_null()) return "nothing";
  if (!is_plain(n)) return "string \"" + n.value + "\"";
  return "\"" + n.value + "\"";
}

std::optional<double> scalar_number(const YamlNode& n) {
  if (!is_plain(n)) return std::nullopt;
  const std::string& s = n.value;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// `0400`: YAML 1.1 (libyaml, PyYAML) reads an octal 256, YAML 1.2 a decimal 400. A file must
// read the same everywhere, so neither is guessed.
bool leading_zero(const YamlNode& n) {
  if (!n.is_scalar() || !is_plain(n)) return false;
  const std::string& s = n.value;
  const size_t digits = s.find_first_not_of("+-");
  return digits != std::string::npos && digits <= 1 && s.size() > digits + 1 && s[digits] == '0' &&
         s.find_first_not_of("0123456789", digits) == std::string::npos;
}

std::string expected(const Field& f, const YamlNode& n) {
  return "expected " + std::string(model::kind_name(f.kind)) + " for " + std::string(f.name()) +
         ", got " + shape_of(n);
}

std::string leading_zero_message(const Field& f, const YamlNode& n) {
  return "expected a number for " + std::string(f.name()) + ", got " + n.value +
         ": with a leading zero, YAML 1.1 tools (PyYAML) read an octal number and YAML 1.2 a "
         "decimal one; write it without the zero";
}

// Converts one node to JSON for its field; nullopt (with a diagnostic) when impossible.
std::optional<json> convert(const YamlNode& n, const Field& f, const FileContext& ctx) {
  auto fail = [&](std::string msg) -> std::optional<json> {
    ctx.diags->error(ctx.pos(n), std::move(msg));
    return std::nullopt;
  };
  if (n.is_null()) {  // `null`, `~` or nothing: remove it, where the API can
    if (f.removable()) return json(nullptr);
    return fail(std::string(f.name()) +
                " cannot be null: the API cannot remove it (leave it out to stop managing it)");
  }
  switch (f.kind) {
    case Kind::Object:
      if (!n.is_map()) return fail(expected(f, n));
      return json::object();
    case Kind::StringList: {
      if (!n.is_sequence()) return fail(expected(f, n));
      json out = json::array();
      for (const auto& item_node : n.items) {
        const YamlNode& item = *item_node;
        if (!item.is_scalar())
          return fail("every item of " + std::string(f.name()) + " must be a string");
        if (has_reference(item.value)) {
          return fail("${env:...} and ${file:...} references are not supported inside lists (" +
                      std::string(f.name()) + ")");
        }
        out.push_back(item.value);
      }
      return out;
    }
    case Kind::Bool:
      if (n.is_scalar() && is_plain(n)) {
        const auto& s = n.value;
        if (s == "true" || s == "True" || s == "TRUE") return json(true);
        if (s == "false" || s == "False" || s == "FALSE") return json(false);
      }
      return fail(expected(f, n) + " (write true or false)");
    case Kind::Integer:
      if (leading_zero(n)) return fail(leading_zero_message(f, n));
      if (n.is_scalar()) {
        if (auto i = scalar_integer(n)) return json(*i);
        if (auto d = scalar_number(n)) {
          return fail("expected integer for " + std::string(f.name()) + ", got " + n.value +
                      (*d == std::floor(*d) ? " (write a whole number as plain digits)"
                                            : " (a fractional number)"));
        }
      }
      return fail(expected(f, n));
    case Kind::Number:
      if (leading_zero(n)) return fail(leading_zero_message(f, n));
      if (n.is_scalar()) {
        if (auto i = scalar_integer(n)) return json(*i);
        if (auto d = scalar_number(n)) return json(*d);
      }
      return fail(expected(f, n));
    case Kind::String:
    case Kind::Enum:
      if (!n.is_scalar()) return fail(expected(f, n));
      return json(n.value);
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

// `{ key: ${env:X} }` is not YAML: inside { } and [ ] a reference must be quoted.
std::string flow_hint(std::string_view text, const SyntaxProblem& e) {
  size_t start = 0;
  for (int line = 1; line < e.line && start != std::string::npos; ++line) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return "";
  std::string_view line = text.substr(start, text.find('\n', start) - start);
  bool flow = line.find('{') != std::string_view::npos || line.find('[') != std::string_view::npos;
  if (!flow || line.find("${") == std::string_view::npos) return "";
  return " (inside { } or [ ], quote a reference: \"${env:NAME}\")";
}

}  // namespace

std::optional<YamlNodePtr> read_yaml_document(std::string_view text, const FileContext& ctx,
                                              const YamlEntryFn& on_entry) {
  auto syntax = check_yaml(text);
  for (const auto& e : syntax.errors) {
    ctx.diags->error({ctx.file, e.line, e.col}, "YAML syntax: " + e.message + flow_hint(text, e));
  }
  if (!syntax.ok()) return std::nullopt;
  const auto& portability = syntax.unportable;
  for (const auto& e : portability) {
    ctx.diags->error({ctx.file, e.line, e.col}, "YAML syntax: " + e.message);
  }
  if (!portability.empty()) return std::nullopt;
  if (syntax.documents > 1) {
    ctx.diags->error({ctx.file, syntax.second_document_line, syntax.second_document_col},
                     "a file holds one YAML document; this one starts a second (`---`), which "
                     "would be ignored");
    return std::nullopt;
  }
  auto tree = parse_yaml_tree(text, on_entry);
  if (!tree) {
    const auto& e = tree.error();
    ctx.diags->error({ctx.file, e.line, e.col}, "YAML: " + e.message);
    return std::nullopt;
  }
  return std::move(tree).value();
}

model::SourcePos FileContext::pos(const YamlNode& node) const {
  return {file, node.line, node.col};
}

std::optional<long> scalar_integer(const YamlNode& node) {
  if (!node.is_scalar() || !is_plain(node) || leading_zero(node)) return std::nullopt;
  const std::string& s = node.value;
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool expect_map(const YamlNode& node, const FileContext& ctx, const std::string& what) {
  if (node.is_map()) return true;
  ctx.diags->error(ctx.pos(node), "expected a mapping for " + what + ", got " + shape_of(node));
  return false;
}

void for_each_entry(
    const YamlNode& map, const FileContext& ctx,
    const std::function<void(const std::string&, const YamlNode&, const YamlNode&)>& fn) {
  std::map<std::string, model::SourcePos> seen;
  for (const auto& [key_node, value] : map.entries) {
    const YamlNode& key = *key_node;
    if (!key.is_scalar()) {
      ctx.diags->error(ctx.pos(key), "keys must be plain strings");
      continue;
    }
    auto where = ctx.pos(key);
    auto [prev, inserted] = seen.emplace(key.value, where);
    if (!inserted) {
      ctx.diags->error(where, "duplicate key " + key.value + " (first at line " +
                                  std::to_string(prev->second.line) + ")");
      continue;
    }
    fn(key.value, key, *value);
  }
}

void read_fields(const YamlNode& map, model::Resource r, const std::string& parent_path,
                 const FileContext& ctx, FieldSink& sink, const std::set<std::string>& extra_keys,
                 const std::string& where) {
  for_each_entry(
      map, ctx, [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
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
            if (child->has(model::kRequired) && value.find(child->name()) == nullptr) {
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
              // What plan would refuse whatever the environment holds (`${env:}`) is an
              // error here too, not a warning about an unset variable.
              const EnvLookup any = [](const std::string&) {
                return std::optional<std::string>("");
              };
              if (auto shape = resolve_references(text, ctx.root, any); !shape) {
                ctx.diags->error(ctx.pos(value), shape.error().message);
                return;
              }
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
