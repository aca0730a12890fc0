// cli/state_command: `rtksync state list|show KEY|rm KEY|mv OLD NEW|unlock` and
// `rtksync import`. Edits of the state file happen under its lock; HTTP never does.
#include <filesystem>
#include <functional>
#include <iostream>

#include "cli/command.hpp"
#include "cli/session.hpp"
#include "cli/views.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "state/lock.hpp"
#include "state/store.hpp"

namespace rtk::cli {
namespace {

// Loads config (lenient about env: these commands send no secrets) and the state.
Result<std::pair<config::Loaded, state::State>> load_both(const Invocation& inv) {
  auto config = load_config(inv, Env::Lenient);
  if (!config) return config.error();
  auto st = load_state(config->project);
  if (!st) return st.error();
  return std::make_pair(std::move(config).value(), std::move(st).value());
}

// Changes the state file under its lock: loads it afresh, edits, saves.
Result<Unit> edit_state(const model::Project& project,
                        const std::function<Result<Unit>(state::State&)>& edit) {
  const auto path = state_path_of(project);
  auto lock = state::Lock::acquire(path, std::chrono::seconds(0));
  if (!lock) return lock.error();
  auto st = load_state(project);
  if (!st) return st.error();
  if (auto edited = edit(*st); !edited) return edited.error();
  return state::save(path, *st);
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

Error no_key(const std::string& key) {
  return Error{"no key " + key + " in the state (see `rtksync state list`)"};
}

void show_list(const state::State& st, Format format) {
  if (format == Format::Json) {
    auto j = state::to_json(st);
    for (auto& [key, m] : j["meetings"].items()) {
      m["object"] = model::redact(model::Resource::Meeting, m["object"]);
      m.erase("digests");
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& [key, ms] : st.meetings) {
    std::cout << key << "\t" << ms.id << (ms.protect ? "\tprotected" : "")
              << (ms.deactivated ? "\tdeactivated" : "") << "\n";
  }
  for (const auto& i : st.intents)
    std::cout << i.key << "\t(create in flight since " << i.started_at << ")\n";
}

Exit show_key(const state::State& st, const std::string& key) {
  if (st.find(key) == nullptr) return no_key(key);
  auto j = state::to_json(st)["meetings"][key];
  j["object"] = model::redact(model::Resource::Meeting, j["object"]);
  j.erase("digests");
  std::cout << j.dump(2) << "\n";
  return kExitOk;
}

Exit forget(const model::Project& project, const std::string& key, const Terminal& term) {
  std::string id;
  auto done = edit_state(project, [&](state::State& st) -> Result<Unit> {
    const auto* ms = st.find(key);
    if (ms == nullptr) return no_key(key);
    id = ms->id;
    st.meetings.erase(key);
    st.referenced.erase(key);
    return Unit{};
  });
  if (!done) return done.error();
  show_note(term, "forgot " + key + " (meeting " + id + " is unchanged on the server)");
  return kExitOk;
}

// state mv OLD NEW: the meeting keeps its id (and its participants their join links) when a
// key is renamed in the YAML; without it the plan would deactivate OLD and create NEW.
Exit rename(const config::Loaded& config, const std::string& from, const std::string& to,
            const Terminal& term) {
  auto done = edit_state(config.project, [&](state::State& st) -> Result<Unit> {
    if (st.find(from) == nullptr) return no_key(from);
    if (st.find(to) != nullptr)
      return Error{to + " is already in the state; `rtksync state rm " + to + "` first"};
    st.meetings[to] = st.meetings.at(from);
    st.meetings.erase(from);
    if (auto it = st.referenced.find(from); it != st.referenced.end()) {
      st.referenced[to] = it->second;
      st.referenced.erase(it);
    }
    return Unit{};
  });
  if (!done) return done.error();
  if (config.desired.meetings.count(to) == 0U)
    show_warning(to + " is not a meeting key of the configuration yet: rename it in the YAML too");
  show_note(term, "moved " + from + " to " + to);
  return kExitOk;
}

// import KEY MEETING_ID: the checks that need only the configuration and the state.
Result<Unit> check_import(const config::Loaded& config, const state::State& st,
                          const std::string& key, const std::string& id) {
  if (config.desired.meetings.count(key) == 0U) {
    std::vector<std::string> keys;
    for (const auto& [k, m] : config.desired.meetings) keys.push_back(k);
    auto hint = config::suggest(key, keys);
    return Error{key +
                 " is not a meeting key of the configuration (bound, the next plan would "
                 "deactivate the meeting). Add it to a meeting file first" +
                 (hint.empty() ? "" : "; did you mean `" + hint + "`?")};
  }
  if (const auto* existing = st.find(key); existing != nullptr && existing->id != id)
    return Error{key + " is already bound to " + existing->id + "; `rtksync state rm " + key +
                 "` first"};
  if (auto other = st.key_of(id); !other.empty() && other != key)
    return Error{"meeting " + id + " is already bound to key " + other};
  return Unit{};
}

// A key and the meeting (read whole) to bind it to.
struct Binding {
  std::string key;
  nlohmann::json meeting;
};

// import --by-title: the bindings every unbound key's title (or import_id) finds, read before
// the state is locked; keys left unbound come back in `unbound` ("key: why").
Result<std::vector<Binding>> match_by_title(api::Api& api, const config::Loaded& config,
                                            const state::State& st,
                                            std::vector<std::string>& unbound) {
  auto all = api.list_meetings(api::ListQuery{});
  if (!all) return all.error();
  std::vector<Binding> out;
  for (const auto& [key, m] : config.desired.meetings) {
    if (st.find(key) != nullptr) continue;
    auto match = match_meeting(m, *all, st);
    if (!match.id) {
      unbound.push_back(key + ": " + match.why);
      continue;
    }
    auto full = api.get_meeting(*match.id);
    if (!full) return full.error();
    out.push_back({key, *full});
  }
  return out;
}

// Records the bindings under the state's lock (no HTTP under it), re-checking each against
// the state as it is then.
Result<Unit> bind_all(const config::Loaded& config, const std::vector<Binding>& bindings) {
  return edit_state(config.project, [&](state::State& st) -> Result<Unit> {
    for (const auto& b : bindings) {
      auto ok = check_import(config, st, b.key, b.meeting.value("id", ""));
      if (!ok) return ok.error();
      auto desired = config.desired.meetings.find(b.key);
      bind_meeting(st, b.key, b.meeting, &desired->second);
    }
    return Unit{};
  });
}

Exit import_by_title(api::Api& api, const config::Loaded& config, const state::State& st) {
  std::vector<std::string> unbound;
  auto bindings = match_by_title(api, config, st, unbound);
  if (!bindings) return bindings.error();
  if (auto bound = bind_all(config, *bindings); !bound) return bound.error();
  for (const auto& b : *bindings)
    std::cout << "imported " << b.key << " = " << b.meeting.value("id", "") << "\n";
  const size_t n = bindings->size();
  std::cout << n << (n == 1 ? " meeting imported.\n" : " meetings imported.\n");
  if (unbound.empty()) return kExitOk;
  std::string text = std::to_string(unbound.size()) +
                     (unbound.size() == 1 ? " key is" : " keys are") +
                     " not bound; the next plan would create them:";
  for (const auto& u : unbound) text += "\n  " + u;
  return Error{text};
}

Exit import_one(api::Api& api, const config::Loaded& config, const state::State& st,
                const std::vector<std::string>& words) {
  if (words.size() != 2) return Error{"usage: rtksync import KEY MEETING_ID (or --by-title)"};
  if (auto ok = check_import(config, st, words[0], words[1]); !ok) return ok.error();
  auto meeting = api.get_meeting(words[1]);
  if (!meeting) return meeting.error();
  const std::vector<Binding> bindings{{words[0], *meeting}};
  if (auto bound = bind_all(config, bindings); !bound) return bound.error();
  std::cout << "imported " << words[0] << " = " << words[1] << "\n";
  return kExitOk;
}

}  // namespace

void add_state_options(cxxopts::Options& options) {
  add_common_options(options);
  options.add_options()("args", "subcommand and keys", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"args"});
  options.positional_help("list | show KEY | rm KEY | mv OLD NEW | unlock");
}

Exit state_command(const Invocation& inv) {
  const auto words = words_of(inv.args);
  const std::string sub = words.empty() ? "" : words[0];
  const size_t want = sub == "show" || sub == "rm" ? 2 : sub == "mv" ? 3 : 1;
  if (sub.empty() || words.size() != want || (want == 1 && sub != "list" && sub != "unlock"))
    return Error{"rtksync state wants list, show KEY, rm KEY, mv OLD NEW or unlock"};
  auto both = load_both(inv);
  if (!both) return both.error();
  const auto& [config, st] = *both;
  if (sub == "list") {
    show_list(st, inv.format);
    return kExitOk;
  }
  if (sub == "show") return show_key(st, words[1]);
  if (sub == "rm") return forget(config.project, words[1], inv.term);
  if (sub == "mv") return rename(config, words[1], words[2], inv.term);
  auto unlocked = state::Lock::force_unlock(state_path_of(config.project));
  if (!unlocked) return unlocked.error();
  show_note(inv.term, *unlocked);
  return kExitOk;
}

void add_import_options(cxxopts::Options& options) {
  add_common_options(options);
  add_api_options(options);
  options.add_options()("by-title",
                        "bind every unbound key whose title matches exactly one meeting")(
      "args", "KEY MEETING_ID", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"args"});
  options.positional_help("KEY MEETING_ID | --by-title");
}

Exit import_command(const Invocation& inv) {
  auto both = load_both(inv);
  if (!both) return both.error();
  const auto& [config, st] = *both;
  auto client = make_client(inv, config.project);
  if (!client) return client.error();
  if (inv.args.count("by-title") != 0U) return import_by_title(**client, config, st);
  return import_one(**client, config, st, words_of(inv.args));
}

}  // namespace rtk::cli
