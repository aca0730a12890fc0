// cli/export_command: `rtksync export`: YAML for meetings that already exist, so a team can
// adopt rtksync without recreating anything (follow with `rtksync import --by-title`). The
// YAML itself is made by config/yaml_export (pure); this file reads the API and writes.
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include "cli/command.hpp"
#include "cli/session.hpp"
#include "config/yaml_export.hpp"
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

std::optional<Selection> select(api::Client& client, const cxxopts::ParseResult& args) {
  auto all = client.list_meetings();
  if (!all) {
    std::cerr << "error: " << all.error().message() << "\n";
    return std::nullopt;
  }
  Selection out;
  for (const auto& s : *all) ++out.titles[model::string_at(s, "title")];
  const bool inactive = args.count("inactive") != 0U;
  if (args.count("id") != 0U) {
    for (const auto& id : args["id"].as<std::vector<std::string>>()) {
      auto it = std::find_if(all->begin(), all->end(),
                             [&](const json& s) { return s.value("id", "") == id; });
      if (it == all->end()) {
        std::cerr << "error: no meeting with id " << id << "\n";
        return std::nullopt;
      }
      out.wanted.push_back(*it);
    }
    return out;
  }
  std::set<std::string> matching;
  if (args.count("search") != 0U) {
    auto found = client.list_meetings({args["search"].as<std::string>(), ""});
    if (!found) {
      std::cerr << "error: " << found.error().message() << "\n";
      return std::nullopt;
    }
    for (const auto& s : *found) matching.insert(s.value("id", ""));
  }
  for (const auto& s : *all) {
    if (args.count("search") != 0U && matching.count(s.value("id", "")) == 0U) continue;
    if (inactive || s.value("status", "ACTIVE") == "ACTIVE") out.wanted.push_back(s);
  }
  return out;
}

bool write_out(const std::string& text, const cxxopts::ParseResult& args, size_t count) {
  if (args.count("out") == 0U) {
    std::cout << text << std::flush;
    if (!std::cout) std::cerr << "error: cannot write to stdout\n";
    return static_cast<bool>(std::cout);
  }
  const auto path = args["out"].as<std::string>();
  auto written = state::write_atomically(path, text, 0644);
  if (!written) {
    std::cerr << "error: " << written.error().message << "\n";
    return false;
  }
  std::cerr << "Wrote " << count << (count == 1 ? " meeting to " : " meetings to ") << path
            << ". Then: rtksync import --by-title\n";
  return true;
}

}  // namespace

int export_command(int argc, char** argv) {
  cxxopts::Options options("rtksync export",
                           "Write YAML for meetings that exist on the server. Secrets are never "
                           "written: write-only credentials become ${env:...} placeholders.");
  add_common_options(options);
  add_api_options(options);
  // clang-format off
  options.add_options("export")
    ("out", "write to FILE instead of stdout", cxxopts::value<std::string>())
    ("inactive", "include INACTIVE meetings")
    ("search", "only meetings the API finds for TEXT (title or id)", cxxopts::value<std::string>())
    ("id", "only these meeting ids (repeat, or comma-separate)", cxxopts::value<std::vector<std::string>>());
  // clang-format on
  int code = kExitOk;
  auto args = parse_args(options, argc, argv, code);
  if (!args) return code;
  set_log_level(*args);
  auto opts = load_options(*args);
  opts.strict_env = false;
  auto config = config::load(opts);
  const auto& project = config.project;
  if (project.account_id.empty() || project.app_id.empty()) {
    print_diagnostics(config.diagnostics, std::cerr);
    return kExitError;
  }
  auto st = state::load(state_path_of(project), project.account_id, project.app_id);
  if (!st) {
    std::cerr << "error: " << st.error().message << "\n";
    return kExitError;
  }
  auto copts = client_options(*args, project);
  if (!copts) return kExitError;
  api::Client client(*copts);
  auto selection = select(client, *args);
  if (!selection) return kExitError;
  const auto& wanted = selection->wanted;
  config::ExportInput input;
  input.meetings.resize(wanted.size());
  std::string failure;
  std::mutex mu;
  api::parallel_for(wanted.size(), copts->parallelism, [&](size_t i) {
    auto id = wanted[i].value("id", "");
    auto m = client.get_meeting(id);
    auto p = client.list_participants(id);
    std::lock_guard lock(mu);
    if (!m || !p) {
      failure = !m ? m.error().message() : p.error().message();
      return;
    }
    auto& out = input.meetings[i];
    out.meeting = *m;
    out.participants = *p;
    out.bound_key = st->key_of(id);
    auto desired = config.desired.meetings.find(out.bound_key);
    if (desired != config.desired.meetings.end()) out.desired = &desired->second;
    out.same_title = selection->titles[model::string_at(out.meeting, "title")];
  });
  if (!failure.empty()) {
    std::cerr << "error: " << failure << "\n";
    return kExitError;
  }
  input.secrets = config::secret_values(config.desired, project.root, opts.env);
  input.header = "Exported by rtksync from account " + project.account_id + ", app " +
                 project.app_id + ". Then: rtksync import --by-title";
  return write_out(config::export_yaml(input), *args, wanted.size()) ? kExitOk : kExitError;
}

}  // namespace rtk::cli
