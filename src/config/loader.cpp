#include "config/loader.hpp"

#include <array>
#include <filesystem>
#include <fstream>

#include "config/environments.hpp"
#include "config/glob.hpp"
#include "config/meeting_reader.hpp"
#include "config/project_file.hpp"
#include "config/yaml_fields.hpp"
#include "model/validate.hpp"

namespace rtk::config {
namespace {

namespace fs = std::filesystem;
using model::json;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  std::error_code ec;
  if (const auto size = fs::file_size(path, ec); !ec) text.reserve(size);  // not for a pipe
  std::array<char, 1 << 16> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return text;
}

FieldSink read_defaults(const YamlNode& node, const FileContext& ctx) {
  FieldSink sink;
  if (expect_map(node, ctx, "defaults")) {
    read_fields(node, model::Resource::Meeting, "", ctx, sink, {}, "defaults");
  }
  return sink;
}

void read_limits(const YamlNode& node, const FileContext& ctx, model::SafetyLimits& limits) {
  if (!expect_map(node, ctx, "limits")) return;
  std::vector<std::string> names;
  for (const auto& k : limit_keys()) names.emplace_back(k.name);
  for_each_entry(
      node, ctx, [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
        auto known = std::find_if(limit_keys().begin(), limit_keys().end(),
                                  [&](const LimitKey& k) { return key == k.name; });
        if (known == limit_keys().end()) {
          auto hint = suggest(key, names);
          ctx.diags->error(ctx.pos(key_node),
                           "unknown key " + key + " in limits" +
                               (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
          return;
        }
        auto n = scalar_integer(value);
        if (!n || *n < 0 || *n > known->max) {
          ctx.diags->error(ctx.pos(value), key + " must be a whole number" +
                                               (known->max == 100 ? " 0..100" : " >= 0"));
          return;
        }
        known->set(limits, *n);
      });
}

std::vector<std::string> read_string_list(const YamlNode& node, const FileContext& ctx,
                                          const std::string& what) {
  std::vector<std::string> out;
  if (node.is_scalar()) return {node.value};
  if (!node.is_sequence()) {
    ctx.diags->error(ctx.pos(node), what + " must be a glob or a list of globs");
    return out;
  }
  for (const auto& item_node : node.items) {
    const YamlNode& item = *item_node;
    if (item.is_scalar()) {
      out.push_back(item.value);
    } else {
      ctx.diags->error(ctx.pos(item), what + " entries must be strings");
    }
  }
  return out;
}

// Reads rtksync.yaml; returns the defaults block's fields.
FieldSink read_project(const YamlNode& doc, const FileContext& ctx, model::Project& project) {
  FieldSink defaults;
  if (doc.is_null()) return defaults;
  if (!expect_map(doc, ctx, "the project file")) return defaults;
  for_each_entry(
      doc, ctx, [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
        if (!is_project_key(key)) {  // the table the schema is made from
          auto hint = suggest(key, project_key_names());
          ctx.diags->error(ctx.pos(key_node),
                           "unknown key " + key + " in project file" +
                               (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
          return;
        }
        auto scalar = [&](std::string& out) { out = read_target_string(value, ctx, key); };
        if (key == "account_id") {
          scalar(project.account_id);
        } else if (key == "app_id") {
          scalar(project.app_id);
        } else if (key == "state") {
          scalar(project.state_path);
        } else if (key == "include") {
          project.include = read_string_list(value, ctx, "include");
          project.include_is_default = false;
        } else if (key == "defaults") {
          defaults = read_defaults(value, ctx);
        } else if (key == "limits") {
          read_limits(value, ctx, project.limits);
        } else if (key == "environments") {
          project.environments = read_environments(value, ctx);
        }
      });
  return defaults;
}

void apply_target_overrides(const LoadOptions& options, model::Project& project,
                            const FileContext& ctx) {
  if (auto env = (*ctx.env)("CLOUDFLARE_ACCOUNT_ID"); env && !env->empty())
    project.account_id = *env;
  if (auto env = (*ctx.env)("RTKSYNC_APP_ID"); env && !env->empty()) project.app_id = *env;
  if (options.account_id) project.account_id = *options.account_id;
  if (options.app_id) project.app_id = *options.app_id;
  model::SourcePos at{ctx.file, 0, 0};
  if (project.account_id.empty()) {
    ctx.diags->error(
        at, "account_id is not set (in rtksync.yaml, $CLOUDFLARE_ACCOUNT_ID or --account-id)");
  }
  if (project.app_id.empty()) {
    ctx.diags->error(at, "app_id is not set (in rtksync.yaml, $RTKSYNC_APP_ID or --app-id)");
  }
}

// Two keys with one title cannot be told apart by `import --by-title` or by a person.
void warn_shared_titles(const model::DesiredState& desired, Diagnostics& diags) {
  std::map<std::string, const model::DesiredMeeting*> first_with;
  for (const auto& [key, m] : desired.meetings) {
    const json* title = model::get_path(m.fields, "title");
    if (title == nullptr || !title->is_string()) continue;
    auto [it, inserted] = first_with.emplace(title->get<std::string>(), &m);
    if (inserted) continue;
    const auto& other = *it->second;
    const auto at = other.position_of("title");
    diags.warning(m.position_of("title"),
                  "meetings " + other.key + " and " + key + " share the title " +
                      m.shown("title").dump() + " (" + other.key + " at " + at.file + ":" +
                      std::to_string(at.line) + ":" + std::to_string(at.col) +
                      "); import --by-title cannot tell them apart");
  }
}

// The files include names, each read into out.desired with the project's defaults.
void read_meeting_files(const LoadOptions& options, const FieldSink& defaults, Loaded& out) {
  const auto& project = out.project;
  auto expansion = expand_globs(project.root, project.include);
  // The default names both extensions; only a pattern the file chose is expected to match.
  const bool none = expansion.files.empty();
  for (const auto& pattern : expansion.unmatched_patterns) {
    if (project.include_is_default && !none) continue;
    out.diagnostics.warning({options.config_path, 0, 0},
                            "include pattern " + pattern + " matched no files");
  }
  for (const auto& rel : expansion.outside_links) {
    out.diagnostics.error({(fs::path(project.root) / rel).lexically_normal().string(), 0, 0},
                          "a symbolic link out of the project: rtksync reads meeting files only "
                          "inside it (its meetings would otherwise be planned away)");
  }
  const auto project_file = fs::path(options.config_path).lexically_normal();
  for (const auto& rel : expansion.files) {
    std::string shown = (fs::path(project.root) / rel).lexically_normal().string();
    if (fs::path(shown) == project_file) continue;  // `include: ["**/*.yaml"]` names it too
    out.desired.files.push_back(shown);
    FileContext ctx{
        shown, project.root, &options.env, &out.diagnostics, options.strict_env, project.values()};
    auto content = read_file(shown);
    if (!content) {
      out.diagnostics.error({shown, 0, 0}, "cannot read file");
      continue;
    }
    read_meetings_file(*content, ctx, defaults, out.desired);
  }
}

}  // namespace

void load_meeting_text(const std::string& text, const std::string& display_name,
                       const model::Project& project, const EnvLookup& env,
                       model::DesiredState& desired, Diagnostics& diags) {
  FileContext ctx{display_name, project.root, &env, &diags, true, project.values()};
  read_meetings_file(text, ctx, FieldSink{}, desired);
}

Loaded load(const LoadOptions& options) {
  Loaded out;
  auto& project = out.project;
  project.file = options.config_path;
  project.root = fs::path(options.config_path).parent_path().string();
  if (project.root.empty()) project.root = ".";
  FileContext pctx{options.config_path, project.root, &options.env, &out.diagnostics,
                   options.strict_env};
  auto text = read_file(options.config_path);
  if (!text) {
    out.diagnostics.error({options.config_path, 0, 0},
                          "cannot read the project file (give its path with --config)");
    return out;
  }
  FieldSink defaults;
  if (auto doc = read_yaml_document(*text, pctx)) defaults = read_project(**doc, pctx, project);
  if (!options.environment.empty()) {
    if (auto chosen = select_environment(project, options.environment); !chosen)
      out.diagnostics.error({options.config_path, 0, 0}, chosen.error().message);
  }
  apply_target_overrides(options, project, pctx);

  read_meeting_files(options, defaults, out);
  warn_shared_titles(out.desired, out.diagnostics);
  return out;
}

}  // namespace rtk::config
