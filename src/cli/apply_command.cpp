// cli/apply_command: `rtksync apply [FILE]`: plan (or load a saved plan and check it is not
// stale), confirm, take the lock, run, journal, read back, report.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/observe.hpp"
#include "apply/executor.hpp"
#include "apply/intents.hpp"
#include "cli/command.hpp"
#include "cli/session.hpp"
#include "model/projection.hpp"
#include "plan/render.hpp"
#include "plan/saved_plan.hpp"
#include "state/lock.hpp"
#include "state/store.hpp"

namespace rtk::cli {

void print_plan(const plan::Plan& plan, Format format, const api::CallStats& stats);

namespace {

// The reasons a saved plan no longer fits the world, or empty when it still does.
std::vector<std::string> stale_reasons(const plan::SavedPlan& saved, const model::Project& project,
                                       const state::State& state, api::Client& client) {
  std::vector<std::string> out;
  if (saved.account_id != project.account_id || saved.app_id != project.app_id) {
    out.push_back("the plan targets account " + saved.account_id + ", app " + saved.app_id +
                  ", not account " + project.account_id + ", app " + project.app_id);
    return out;
  }
  api::ObserveRequest request;
  for (const auto& [key, fp] : saved.plan.fingerprints) {
    request.bound[fp.meeting_id] = {"", {}};
    if (!fp.participants_digest.empty()) request.participants_of.insert(fp.meeting_id);
  }
  auto observed = api::observe(client, request);
  if (!observed) {
    out.push_back("cannot re-read the objects the plan touches: " + observed.error().message());
    return out;
  }
  std::map<std::string, std::string> updated_at;  // id -> updated_at, from the list
  for (const auto& s : observed->summaries)
    updated_at[s.value("id", "")] = s.value("updated_at", "");
  for (const auto& [key, fp] : saved.plan.fingerprints) {
    const std::string& now_updated = updated_at[fp.meeting_id];
    if (observed->missing.count(fp.meeting_id) != 0U) {
      out.push_back("meeting " + key + " no longer exists on the server");
    } else if (now_updated != fp.updated_at) {
      out.push_back("meeting " + key + " changed since the plan was made");
    } else if (!fp.participants_digest.empty() &&
               plan::participants_digest(observed->participants[fp.meeting_id]) !=
                   fp.participants_digest) {
      out.push_back("the participants of meeting " + key + " changed since the plan was made");
    }
    const auto* ms = state.find(key);
    if (ms == nullptr || ms->id != fp.meeting_id) {
      out.push_back("meeting " + key + " is bound differently in the state than when planned");
    }
  }
  for (const auto& mp : saved.plan.meetings) {
    if (mp.action == plan::MeetingAction::Create && state.find(mp.key) != nullptr) {
      out.push_back("meeting " + mp.key + " was created since the plan was made");
    }
  }
  return out;
}

bool confirm() {
  std::cout << "\nDo you want to perform these actions? Only 'yes' will be accepted: "
            << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

// Caches what planning observed, and the protect flags, before anything changes.
void refresh_state(state::Store& store, const plan::Plan& plan, const model::Observed* observed) {
  auto saved = store.update([&](state::State& s) {
    // Before anything is journaled: the file never holds a referenced value (new keys too).
    for (const auto& [key, paths] : plan.referenced) s.referenced[key] = paths;
    for (auto& [key, ms] : s.meetings) {
      auto p = plan.protect.find(key);
      if (p != plan.protect.end()) ms.protect = p->second;
      if (observed == nullptr || observed->from_cache.count(ms.id) != 0U) continue;
      auto m = observed->meetings.find(ms.id);
      if (m == observed->meetings.end()) continue;
      ms.remember(m->second);
    }
  });
  if (!saved) std::cerr << "warning: " << saved.error().message << "\n";
}

void write_tokens(const std::string& path, const apply::Tokens& tokens) {
  auto written = state::write_atomically(path, nlohmann::json(tokens).dump(2) + "\n", 0600);
  if (!written) {
    std::cerr << "error: " << written.error().message << "\n";
  } else {
    size_t n = 0;
    for (const auto& [k, m] : tokens) n += m.size();
    std::cerr << "Wrote " << n << " join tokens to " << path << " (mode 0600).\n";
  }
}

}  // namespace

int apply_command(int argc, char** argv) {
  cxxopts::Options options("rtksync apply",
                           "Make the API match the configuration, or apply a saved plan FILE "
                           "exactly (refused if anything it touches changed since).");
  add_common_options(options);
  add_api_options(options);
  // clang-format off
  options.add_options("apply")
    ("auto-approve", "do not ask for confirmation (required without a terminal)")
    ("tokens-out", "write participants' join tokens to FILE (JSON, mode 0600)", cxxopts::value<std::string>())
    ("lock-timeout", "seconds to wait for another apply's lock", cxxopts::value<int>()->default_value("0"))
    ("plan-file", "saved plan", cxxopts::value<std::string>());
  // clang-format on
  add_safety_options(options);
  options.parse_positional({"plan-file"});
  options.positional_help("[PLAN_FILE]");
  int code = kExitOk;
  auto run = start(options, argc, argv, code);
  if (!run) return code;
  const auto& [args, format, config] = *run;
  const auto& project = config.project;
  const bool from_file = args.count("plan-file") != 0U;
  std::optional<plan::SavedPlan> saved;
  if (from_file) {
    std::ifstream in(args["plan-file"].as<std::string>());
    auto j = nlohmann::json::parse(in, nullptr, false);
    auto parsed =
        in ? plan::from_plan_file(j) : Result<plan::SavedPlan>(Error{"cannot read the plan file"});
    if (!parsed) {
      std::cerr << "error: " << parsed.error().message << "\n";
      return kExitError;
    }
    saved = std::move(parsed).value();
  }
  if (!from_file && args.count("auto-approve") == 0U && isatty(STDIN_FILENO) == 0) {
    std::cerr << "error: not on a terminal, so there is no one to confirm; pass --auto-approve "
                 "(or apply a saved plan file)\n";
    return kExitError;
  }
  auto copts = client_options(args, project);
  if (!copts) return kExitError;

  auto state_path = state_path_of(project);
  auto lock =
      state::Lock::acquire(state_path, std::chrono::seconds(args["lock-timeout"].as<int>()));
  if (!lock) {
    std::cerr << "error: " << lock.error().message << "\n";
    return kExitError;
  }
  if (!lock->takeover_note().empty()) std::cerr << "warning: " << lock->takeover_note() << "\n";
  auto loaded_state = state::load(state_path, project.account_id, project.app_id);
  if (!loaded_state) {
    std::cerr << "error: " << loaded_state.error().message << "\n";
    return kExitError;
  }
  state::Store store(state_path, std::move(loaded_state).value());
  api::Client client(*copts);

  // Creates interrupted earlier are bound (or dropped) before anything else.
  if (!store.snapshot().intents.empty()) {
    std::vector<apply::IntentResolution> notes;
    bool failed = false;
    auto saved_ok = store.update([&](state::State& s) {
      auto r = apply::resolve_intents(client, s);
      if (!r) {
        std::cerr << "error: " << r.error().message() << "\n";
        failed = true;
        return;
      }
      notes = std::move(r).value();
    });
    if (failed || !saved_ok) return kExitError;
    for (const auto& r : notes) {
      for (const auto& n : r.notes) std::cerr << "note: " << n << "\n";
    }
  }

  plan::Plan plan;
  std::optional<model::Observed> observed;
  if (saved) {
    auto reasons = stale_reasons(*saved, project, store.snapshot(), client);
    if (!reasons.empty()) {
      std::cerr << "error: the plan is stale; nothing was changed:\n";
      for (const auto& r : reasons) std::cerr << "  - " << r << "\n";
      std::cerr << "Run `rtksync plan --out FILE` again.\n";
      return kExitError;
    }
    plan = saved->plan;
    plan.counts = plan::count_operations(plan.meetings);
  } else {
    auto planned = observe_and_plan(client, config, store.snapshot(), safety_overrides(args));
    if (!planned) {
      std::cerr << "error: " << planned.error().message() << "\n";
      return kExitError;
    }
    plan = std::move(planned->plan);
    observed = std::move(planned->observed);
  }
  print_plan(plan, format, client.stats());
  if (!plan.errors.empty()) return kExitError;
  refresh_state(store, plan, observed ? &*observed : nullptr);
  if (!plan.has_changes()) return kExitOk;
  if (!from_file && args.count("auto-approve") == 0U && !confirm()) {
    std::cerr << "Apply cancelled; nothing was changed.\n";
    return kExitError;
  }

  const bool tty = stdout_is_tty();
  int total = 0;
  for (const auto& mp : plan.meetings) total += static_cast<int>(mp.ops.size());
  int seen = 0;
  apply::ApplyOptions aopts{project.root, config::process_env(), copts->parallelism};
  auto report = apply::execute(plan, client, store, aopts, [&](const apply::OpResult& r) {
    ++seen;
    if (tty) {
      std::cout << "\r[" << seen << "/" << total << "] " << r.meeting_key << ": " << r.description
                << "\033[K" << std::flush;
    } else {
      std::cout << apply::to_string(r.outcome) << ": " << r.meeting_key << ": " << r.description
                << (r.error.empty() ? "" : " (" + r.error + ")") << "\n";
    }
  });
  if (tty) std::cout << "\r\033[K";
  refresh_state(store, plan, nullptr);  // protect flags of meetings created just now
  for (const auto& r : report.results) {
    if (r.outcome == apply::Outcome::Done) continue;
    std::cout << apply::to_string(r.outcome) << ": " << r.meeting_key << ": " << r.description
              << ": " << r.error << "\n";
  }
  for (const auto& w : report.warnings) std::cout << "warning: " << w << "\n";
  if (args.count("tokens-out") != 0U)
    write_tokens(args["tokens-out"].as<std::string>(), report.tokens);
  auto stats = client.stats();
  std::cout << (report.failed > 0 ? "Apply incomplete: " : "Apply complete: ") << report.done
            << " done, " << report.failed << " failed, " << report.skipped << " skipped. "
            << plan::api_calls_text(stats.total, stats.retries) << ".\n";
  if (report.failed > 0) std::cout << "Run apply again to finish: the state holds every success.\n";
  return report.failed > 0 ? kExitError : kExitOk;
}

}  // namespace rtk::cli
