// cli/state_command: `rtksync state list|show KEY|rm KEY|unlock` and `rtksync import`.
#include <filesystem>
#include <iostream>

#include "cli/command.hpp"
#include "cli/session.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "state/lock.hpp"
#include "state/store.hpp"

namespace rtk::cli {
namespace {

// Loads config (lenient about env: these commands send no secrets) and the state.
std::optional<std::pair<config::Loaded, state::State>> load_both(const cxxopts::ParseResult& args) {
  auto opts = load_options(args);
  opts.strict_env = false;
  auto loaded = config::load(opts);
  if (loaded.diagnostics.has_errors()) {
    print_diagnostics(loaded.diagnostics, std::cerr);
    return std::nullopt;
  }
  auto st =
      state::load(state_path_of(loaded.project), loaded.project.account_id, loaded.project.app_id);
  if (!st) {
    std::cerr << "error: " << st.error().message << "\n";
    return std::nullopt;
  }
  return std::make_pair(std::move(loaded), std::move(st).value());
}

std::optional<state::Lock> take_lock(const std::string& state_path) {
  auto lock = state::Lock::acquire(state_path, std::chrono::seconds(0));
  if (!lock) {
    std::cerr << "error: " << lock.error().message << "\n";
    return std::nullopt;
  }
  return std::move(lock).value();
}

bool save_state(const std::string& path, state::State& s) {
  auto saved = state::save(path, s);
  if (!saved) std::cerr << "error: " << saved.error().message << "\n";
  return saved.ok();
}

// Binds key to an observed meeting. Values the configuration takes from references are kept
// out of the file: it holds their digests, which the next plan compares.
void bind_meeting(state::State& s, const std::string& key, const nlohmann::json& meeting,
                  const model::DesiredMeeting* desired) {
  auto& ms = s.meetings[key];
  ms.id = meeting.value("id", "");
  ms.protect = desired != nullptr && desired->protect;
  ms.deactivated = false;
  auto& referenced = s.referenced[key];
  referenced.clear();
  if (desired != nullptr) {
    for (const auto& [path, ref] : desired->references) referenced.insert(path);
  }
  ms.remember(meeting);  // the file keeps digests of the referenced values, never the values
}

struct Match {
  std::optional<std::string> id;
  std::string why;  // when there is no id
};

// The one unbound meeting a key names: by its import_id, else by its exact title.
Match match_meeting(const model::DesiredMeeting& m, const std::vector<nlohmann::json>& all,
                    const state::State& st) {
  if (!m.import_id.empty()) {
    auto it = std::find_if(all.begin(), all.end(), [&](const nlohmann::json& s) {
      return s.value("id", "") == m.import_id;
    });
    if (it == all.end()) return {std::nullopt, "no meeting has import_id " + m.import_id};
    if (auto other = st.key_of(m.import_id); !other.empty())
      return {std::nullopt, "import_id " + m.import_id + " is already bound to " + other};
    return {m.import_id, ""};
  }
  const std::string shown = m.shown("title").is_string() ? m.shown("title").dump() : "\"\"";
  if (!m.fields.contains("title") || m.fields["title"].is_null())
    return {std::nullopt, "no title to match (add import_id)"};
  const std::string title = model::string_at(m.fields, "title");
  std::vector<std::string> ids;
  for (const auto& s : all) {
    std::string id = s.value("id", "");
    if (model::string_at(s, "title") == title && st.key_of(id).empty()) ids.push_back(id);
  }
  if (ids.size() == 1) return {ids[0], ""};
  if (ids.empty()) return {std::nullopt, "no unbound meeting is titled " + shown};
  std::string why = std::to_string(ids.size()) + " meetings are titled " + shown + ":";
  for (const auto& id : ids) why += " " + id;
  return {std::nullopt, why + "; import one by id: rtksync import " + m.key + " ID"};
}

}  // namespace

int state_command(int argc, char** argv) {
  cxxopts::Options options("rtksync state",
                           "Inspect and edit the state file.\n"
                           "  list          keys, meeting ids and flags\n"
                           "  show KEY      one entry as JSON (secrets masked)\n"
                           "  rm KEY        forget a key (the meeting is left as it is)\n"
                           "  unlock        remove a lock file no live process holds");
  add_common_options(options);
  options.add_options()("args", "subcommand and key", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"args"});
  options.positional_help("list|show KEY|rm KEY|unlock");
  int code = kExitOk;
  auto args = parse_args(options, argc, argv, code);
  if (!args) return code;
  auto words = args->count("args") != 0U ? (*args)["args"].as<std::vector<std::string>>()
                                         : std::vector<std::string>{};
  if (words.empty()) {
    std::cerr << "error: rtksync state needs a subcommand: list, show KEY, rm KEY or unlock\n";
    return kExitError;
  }
  auto both = load_both(*args);
  if (!both) return kExitError;
  auto& [config, st] = *both;
  const std::string path = state_path_of(config.project);
  const std::string& sub = words[0];
  if (sub == "list") {
    for (const auto& [key, ms] : st.meetings) {
      std::cout << key << "\t" << ms.id << (ms.protect ? "\tprotected" : "")
                << (ms.deactivated ? "\tdeactivated" : "") << "\n";
    }
    for (const auto& i : st.intents) {
      std::cout << i.key << "\t(create in flight since " << i.started_at << ")\n";
    }
    return kExitOk;
  }
  if (sub == "unlock") {
    auto r = state::Lock::force_unlock(path);
    std::cerr << (r ? r.value() : "error: " + r.error().message) << "\n";
    return r ? kExitOk : kExitError;
  }
  if ((sub == "show" || sub == "rm") && words.size() == 2) {
    const auto* ms = st.find(words[1]);
    if (ms == nullptr) {
      std::cerr << "error: no key " << words[1] << " in the state (see `rtksync state list`)\n";
      return kExitError;
    }
    if (sub == "show") {
      auto j = state::to_json(st)["meetings"][words[1]];
      j["object"] = model::redact(model::Resource::Meeting, j["object"]);
      j.erase("digests");
      std::cout << j.dump(2) << "\n";
      return kExitOk;
    }
    auto lock = take_lock(path);
    if (!lock) return kExitError;
    std::string id = ms->id;
    st.meetings.erase(words[1]);
    st.referenced.erase(words[1]);
    if (!save_state(path, st)) return kExitError;
    std::cerr << "Forgot " << words[1] << " (meeting " << id << " is unchanged on the server).\n";
    return kExitOk;
  }
  std::cerr << "error: unknown state subcommand; use list, show KEY, rm KEY or unlock\n";
  return kExitError;
}

int import_command(int argc, char** argv) {
  cxxopts::Options options(
      "rtksync import",
      "Bind existing meetings to keys of the configuration, so nothing is "
      "recreated.\n  rtksync import KEY MEETING_ID\n  rtksync import --by-title");
  add_common_options(options);
  add_api_options(options);
  options.add_options()("by-title",
                        "bind every unbound key whose title matches exactly one meeting")(
      "args", "KEY MEETING_ID", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"args"});
  options.positional_help("KEY MEETING_ID | --by-title");
  int code = kExitOk;
  auto args = parse_args(options, argc, argv, code);
  if (!args) return code;
  set_log_level(*args);
  auto both = load_both(*args);
  if (!both) return kExitError;
  auto& [config, st] = *both;
  auto copts = client_options(*args, config.project);
  if (!copts) return kExitError;
  api::Client client(*copts);
  const std::string path = state_path_of(config.project);
  auto lock = take_lock(path);
  if (!lock) return kExitError;
  auto fresh =
      state::load(path, config.project.account_id, config.project.app_id);  // under the lock
  if (!fresh) return kExitError;
  st = std::move(fresh).value();
  const auto& wanted = config.desired.meetings;
  auto desired_of = [&wanted](const std::string& key) -> const model::DesiredMeeting* {
    auto it = wanted.find(key);
    return it == wanted.end() ? nullptr : &it->second;
  };
  if (args->count("by-title") != 0U) {
    auto all = client.list_meetings();
    if (!all) {
      std::cerr << "error: " << all.error().message() << "\n";
      return kExitError;
    }
    int bound = 0;
    std::vector<std::string> unbound;  // "key: why", for every key left unbound
    for (const auto& [key, m] : config.desired.meetings) {
      if (st.find(key) != nullptr) continue;
      auto match = match_meeting(m, *all, st);
      if (!match.id) {
        unbound.push_back(key + ": " + match.why);
        continue;
      }
      auto full = client.get_meeting(*match.id);
      if (!full) {
        std::cerr << "error: " << full.error().message() << "\n";
        return kExitError;
      }
      bind_meeting(st, key, *full, desired_of(key));
      std::cout << "imported " << key << " = " << *match.id << "\n";
      ++bound;
    }
    if (!save_state(path, st)) return kExitError;
    std::cout << bound << (bound == 1 ? " meeting imported.\n" : " meetings imported.\n");
    if (unbound.empty()) return kExitOk;
    std::cerr << "error: " << unbound.size() << (unbound.size() == 1 ? " key is" : " keys are")
              << " not bound; the next plan would create them:\n";
    for (const auto& u : unbound) std::cerr << "  " << u << "\n";
    return kExitError;
  }
  auto words = args->count("args") != 0U ? (*args)["args"].as<std::vector<std::string>>()
                                         : std::vector<std::string>{};
  if (words.size() != 2) {
    std::cerr << "error: usage: rtksync import KEY MEETING_ID (or --by-title)\n";
    return kExitError;
  }
  const auto& key = words[0];
  if (config.desired.meetings.count(key) == 0U) {
    std::vector<std::string> keys;
    for (const auto& [k, m] : config.desired.meetings) keys.push_back(k);
    auto hint = config::suggest(key, keys);
    std::cerr << "error: " << key
              << " is not a meeting key of the configuration (bound, the next plan would "
                 "deactivate the meeting). Add it to a meeting file first"
              << (hint.empty() ? "" : "; did you mean `" + hint + "`?") << "\n";
    return kExitError;
  }
  if (const auto* existing = st.find(key); existing != nullptr && existing->id != words[1]) {
    std::cerr << "error: " << key << " is already bound to " << existing->id
              << "; `rtksync state rm " << key << "` first\n";
    return kExitError;
  }
  if (auto other = st.key_of(words[1]); !other.empty() && other != key) {
    std::cerr << "error: meeting " << words[1] << " is already bound to key " << other << "\n";
    return kExitError;
  }
  auto meeting = client.get_meeting(words[1]);
  if (!meeting) {
    std::cerr << "error: " << meeting.error().message() << "\n";
    return kExitError;
  }
  bind_meeting(st, key, *meeting, desired_of(key));
  if (!save_state(path, st)) return kExitError;
  std::cout << "imported " << key << " = " << words[1] << "\n";
  return kExitOk;
}

}  // namespace rtk::cli
