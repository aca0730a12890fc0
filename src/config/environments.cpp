#include "config/environments.hpp"

#include "config/diagnostics.hpp"
#include "config/references.hpp"

namespace rtk::config {

std::string read_target_string(const YamlNode& node, const FileContext& ctx,
                               const std::string& what) {
  if (!node.is_scalar()) {
    ctx.diags->error(ctx.pos(node), what + " must be a string");
    return "";
  }
  const std::string& text = node.value;
  if (!has_reference(text)) return text;
  auto resolved = resolve_references(text, ctx.root, *ctx.env);
  if (resolved) return *resolved;
  if (ctx.strict_env) {
    ctx.diags->error(ctx.pos(node), resolved.error().message);
  } else {
    ctx.diags->warning(ctx.pos(node), resolved.error().message + " (plan and apply will need it)");
  }
  return "";
}

namespace {

model::Environment read_environment(const std::string& name, const YamlNode& body,
                                    const FileContext& ctx) {
  model::Environment env;
  if (!expect_map(body, ctx, "environment " + name)) return env;
  for_each_entry(
      body, ctx, [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
        const std::string what = "environments." + name + "." + key;
        if (key == "account_id") {
          env.account_id = read_target_string(value, ctx, what);
        } else if (key == "app_id") {
          env.app_id = read_target_string(value, ctx, what);
        } else if (key == "state") {
          env.state_path = read_target_string(value, ctx, what);
        } else if (key == "values") {
          if (!expect_map(value, ctx, what)) return;
          for_each_entry(value, ctx,
                         [&](const std::string& var, const YamlNode&, const YamlNode& v) {
                           env.values[var] = read_target_string(v, ctx, what + "." + var);
                         });
        } else {
          auto hint = suggest(key, {"account_id", "app_id", "state", "values"});
          ctx.diags->error(
              ctx.pos(key_node),
              "unknown key " + what + (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
        }
      });
  return env;
}

}  // namespace

std::map<std::string, model::Environment> read_environments(const YamlNode& node,
                                                            const FileContext& ctx) {
  std::map<std::string, model::Environment> out;
  if (!expect_map(node, ctx, "environments")) return out;
  for_each_entry(node, ctx, [&](const std::string& name, const YamlNode&, const YamlNode& body) {
    out[name] = read_environment(name, body, ctx);
  });
  return out;
}

Result<Unit> select_environment(model::Project& project, const std::string& name) {
  auto it = project.environments.find(name);
  if (it == project.environments.end()) {
    std::string declared;
    for (const auto& [n, e] : project.environments) declared += (declared.empty() ? "" : ", ") + n;
    return Error{"unknown environment " + name +
                 (declared.empty() ? " (rtksync.yaml declares no environments)"
                                   : " (rtksync.yaml declares " + declared + ")")};
  }
  const auto& env = it->second;
  project.environment = name;
  if (!env.account_id.empty()) project.account_id = env.account_id;
  if (!env.app_id.empty()) project.app_id = env.app_id;
  project.state_path = env.state_path.empty() ? ".rtksync/state-" + name + ".json" : env.state_path;
  return Unit{};
}

bool has_var(std::string_view text) {
  return text.find("${var:") != std::string_view::npos;
}

Result<std::string> expand_vars(std::string_view text,
                                const std::map<std::string, std::string>* values) {
  std::string out;
  size_t i = 0;
  while (true) {
    const size_t at = text.find("${var:", i);
    out += text.substr(i, at == std::string_view::npos ? std::string_view::npos : at - i);
    if (at == std::string_view::npos) return out;
    const size_t end = text.find('}', at);
    if (end == std::string_view::npos) return Error{"unterminated ${var:...}"};
    const std::string name(text.substr(at + 6, end - at - 6));
    if (values == nullptr)
      return Error{"${var:" + name + "} needs an environment: pass --environment NAME"};
    auto v = values->find(name);
    if (v == values->end())
      return Error{"${var:" + name + "} is not among the selected environment's values"};
    out += v->second;
    i = end + 1;
  }
}

}  // namespace rtk::config
