// cli/export_command: `rtksync export`: YAML for meetings that already exist, so a team can
// adopt rtksync without recreating anything (follow with `rtksync import --by-title`). The
// YAML itself is made by config/yaml_export (pure); this file reads the API and writes.
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include "cli/command.hpp"
#include "cli/session.hpp"
#include "cli/views.hpp"
#include "config/yaml_export.hpp"
#include "model/field_table.hpp"
#include "model/json_path.hpp"
#include "state/state.hpp"

namespace rtk::cli {
namespace {

using nlohmann::json;

// The meetings to export: --id ones (any status), else --search matches, else all; INACTIVE
// ones only with --inactive. Titles are counted over every meeting, so that a title repeated
// anywhere gets its id written.
struct Selection {
  std::vector<json> wanted;
  std::map<std::string, int> titles;  // title -> meetings on the server with it
};

Result<std::vector<json>> by_id(const std::vector<json>& all, const cxxopts::ParseResult& args) {
  std::vector<json> out;
  for (const auto& id : args["id"].as<std::vector<std::string>>()) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const json& s) { return s.value("id", "") == id; });
    if (it == all.end()) return Error{"no meeting with id " + id};
    out.push_back(*it);
  }
  return out;
}

Result<Selection> select(api::Api& api, const cxxopts::ParseResult& args) {
  auto all = api.list_meetings(api::ListQuery{});
  if (!all) return all.error();
  Selection out;
  for (const auto& s : *all) ++out.titles[model::string_at(s, "title")];
  if (args.count("id") != 0U) {
    auto chosen = by_id(*all, args);
    if (!chosen) return chosen.error();
    out.wanted = std::move(chosen).value();
    return out;
  }
  std::set<std::string> matching;
  const bool searching = args.count("search") != 0U;
  if (searching) {
    auto found = api.list_meetings({.search = args["search"].as<std::string>()});
    if (!found) return found.error();
    for (const auto& s : *found) matching.insert(s.value("id", ""));
  }
  const bool inactive = args.count("inactive") != 0U;
  for (const auto& s : *all) {
    if (searching && matching.count(s.value("id", "")) == 0U) continue;
    if (inactive || model::string_at(s, "status") != model::kInactive) out.wanted.push_back(s);
  }
  return out;
}

// Each wanted meeting read whole, with its participants, on the client's pool.
Result<config::ExportInput> read_meetings(api::Api& api, const Selection& selection,
                                          const config::Loaded& config, const state::State& st) {
  const auto& wanted = selection.wanted;
  config::ExportInput input;
  input.meetings.resize(wanted.size());
  std::optional<Error> failure;
  std::mutex mu;
  api::parallel_for(wanted.size(), api.parallelism(), [&](size_t i) {
    auto id = wanted[i].value("id", "");
    auto m = api.get_meeting(id);
    auto p = api.list_participants(id);
    std::lock_guard lock(mu);
    if (!m || !p) {
      failure = !m ? Error(m.error()) : Error(p.error());
      return;
    }
    auto& out = input.meetings[i];
    out.meeting = *m;
    out.participants = *p;
    out.bound_key = st.key_of(id);
    auto desired = config.desired.meetings.find(out.bound_key);
    if (desired != config.desired.meetings.end()) out.desired = &desired->second;
    out.same_title = selection.titles.count(model::string_at(out.meeting, "title")) != 0U
                         ? selection.titles.at(model::string_at(out.meeting, "title"))
                         : 0;
  });
  if (failure) return *failure;
  return input;
}

Result<Unit> write_out(const std::string& text, const Invocation& inv, size_t count) {
  if (inv.args.count("out") == 0U) {
    std::cout << text << std::flush;
    if (!std::cout) return Error{"cannot write to stdout"};
    return Unit{};
  }
  const auto path = inv.args["out"].as<std::string>();
  auto written = state::write_atomically(path, text, 0644);
  if (!written) return written.error();
  show_note(inv.term, "wrote " + std::to_string(count) +
                          (count == 1 ? " meeting to " : " meetings to ") + path +
                          ". Then: rtksync import --by-title");
  return Unit{};
}

// The project (account and app) is all export needs: meeting files may not exist yet.
Result<config::Loaded> load_project(const Invocation& inv) {
  auto options = load_options(inv.args);
  options.strict_env = false;
  auto config = config::load(options);
  if (!config.project.account_id.empty() && !config.project.app_id.empty()) return config;
  show_diagnostics(std::cerr, config.diagnostics);
  return Error{"export needs the account and the app (rtksync.yaml, or --account-id and --app-id)"};
}

}  // namespace

void add_export_options(cxxopts::Options& options) {
  add_common_options(options);
  add_api_options(options);
  // clang-format off
  options.add_options("export")
    ("out", "write to FILE instead of stdout", cxxopts::value<std::string>())
    ("inactive", "include INACTIVE meetings")
    ("search", "only meetings the API finds for TEXT (title or id)", cxxopts::value<std::string>())
    ("id", "only these meeting ids (repeat, or comma-separate)", cxxopts::value<std::vector<std::string>>());
  // clang-format on
}

Exit export_command(const Invocation& inv) {
  auto config = load_project(inv);
  if (!config) return config.error();
  const auto& project = config->project;
  auto st = load_state(project);
  if (!st) return st.error();
  auto client = make_client(inv, project);
  if (!client) return client.error();
  auto selection = select(**client, inv.args);
  if (!selection) return selection.error();
  auto input = read_meetings(**client, *selection, *config, *st);
  if (!input) return input.error();
  input->secrets = config::secret_values(config->desired, project.root, config::process_env());
  input->header = "Exported by rtksync from account " + project.account_id + ", app " +
                  project.app_id + ". Then: rtksync import --by-title";
  auto written = write_out(config::export_yaml(*input), inv, selection->wanted.size());
  if (!written) return written.error();
  return kExitOk;
}

}  // namespace rtk::cli
