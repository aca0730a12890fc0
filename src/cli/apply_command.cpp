// cli/apply_command: `rtksync apply [FILE]`: plan (or load a saved plan and check it is not
// stale), confirm, take the lock, run, journal, read back, report.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/observe.hpp"
#include "apply/executor.hpp"
#include "apply/intents.hpp"
#include "apply/tokens.hpp"
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
    request.also_bound.insert(fp.meeting_id);  // the list's updated_at suffices
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

// Binds (or drops) the intents of creates an earlier run left unresolved. Looks first, then
// changes the state value: no HTTP while anything is held.
bool resolve_earlier_creates(api::Api& api, state::State& state) {
  auto resolved = apply::resolve_earlier_creates(api, state);
  if (!resolved) {
    std::cerr << "error: " << resolved.error().message() << "\n";
    return false;
  }
  for (const auto& r : *resolved) std::cerr << "note: " << r.note << "\n";
  return true;
}

std::unique_ptr<apply::TokenSink> open_token_sink(const cxxopts::ParseResult& args) {
  if (args.count("tokens-out") == 0U) return nullptr;
  auto sink = apply::file_token_sink(args["tokens-out"].as<std::string>());
  auto opened = sink->open();
  if (!opened) {
    std::cerr << "error: " << opened.error().message << "; nothing was changed\n";
    return nullptr;
  }
  return sink;
}

void print_report(const apply::ApplyReport& report, const api::CallStats& stats,
                  const std::string& tokens_out) {
  for (const auto& r : report.results) {
    if (r.outcome == apply::Outcome::Done) continue;
    std::cout << apply::to_string(r.outcome) << ": " << r.meeting_key << ": " << r.description
              << ": " << r.error << "\n";
  }
  for (const auto& w : report.warnings) std::cout << "warning: " << w << "\n";
  if (report.tokens_kept > 0) {
    std::cerr << "Wrote " << report.tokens_kept << " join tokens to " << tokens_out
              << " (mode 0600, one JSON object a line; the last line of a participant is live).\n";
  }
  if (report.tokens_not_kept > 0) {
    std::cerr << "note: " << report.tokens_not_kept
              << " join tokens were issued and not kept; pass --tokens-out FILE to keep them, "
                 "or raise a participant's token_rotation to issue a new one.\n";
  }
  if (report.tokens_undelivered > 0) {
    std::cerr << "warning: " << report.tokens_undelivered
              << " join tokens were issued but not delivered; the state remembers them and the "
                 "next apply rotates exactly those.\n";
  }
  const bool incomplete = report.failed > 0 || report.unrecorded > 0;
  std::cout << (incomplete ? "Apply incomplete: " : "Apply complete: ") << report.done << " done, "
            << report.unrecorded << " unrecorded, " << report.failed << " failed, "
            << report.skipped << " skipped. " << plan::api_calls_text(stats.total, stats.retries)
            << ".\n";
  if (incomplete)
    std::cout << "Run apply again to finish: the state holds every recorded success.\n";
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
    ("allow-removals", "pass the safety limits on deactivations and participant removals")
    ("tokens-out", "append participants' join tokens to FILE as they arrive (JSON lines, mode 0600)", cxxopts::value<std::string>())
    ("lock-timeout", "seconds to wait for another apply's lock", cxxopts::value<int>()->default_value("0"))
    ("plan-file", "saved plan", cxxopts::value<std::string>());
  // clang-format on
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
  api::Client client(*copts);
  if (!resolve_earlier_creates(client, *loaded_state)) return kExitError;
  state::Store store(state_path, std::move(loaded_state).value());
  if (auto opened = store.open(); !opened) {
    std::cerr << "error: the state cannot be recorded, so nothing was changed: "
              << opened.error().message << "\n";
    return kExitError;
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
    auto planned =
        observe_and_plan(client, config, store.snapshot(), args.count("allow-removals") != 0U);
    if (!planned) {
      std::cerr << "error: " << planned.error().message() << "\n";
      return kExitError;
    }
    plan = std::move(planned->plan);
    observed = std::move(planned->observed);
  }
  print_plan(plan, format, client.stats());
  if (!plan.errors.empty()) return kExitError;
  if (auto refreshed = apply::refresh_state(store, plan, observed ? &*observed : nullptr);
      !refreshed) {
    std::cerr << "error: the state cannot be recorded, so nothing was changed: "
              << refreshed.error().message << "\n";
    return kExitError;
  }
  if (!plan.has_changes()) return kExitOk;
  if (!from_file && args.count("auto-approve") == 0U && !confirm()) {
    std::cerr << "Apply cancelled; nothing was changed.\n";
    return kExitError;
  }
  auto tokens = open_token_sink(args);
  if (args.count("tokens-out") != 0U && !tokens) return kExitError;

  const bool tty = stdout_is_tty();
  int total = 0;
  for (const auto& mp : plan.meetings) total += static_cast<int>(mp.ops.size());
  int seen = 0;
  apply::ApplyOptions aopts{.root = project.root,
                            .env = config::process_env(),
                            .parallelism = copts->parallelism,
                            .tokens = tokens.get()};
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
  // Protect flags of meetings created just now, and the journal folded into the file.
  auto folded = apply::refresh_state(store, plan, nullptr);
  if (!folded) {
    report.warnings.push_back(
        "the state file could not be written at the end: " + folded.error().message +
        "; the journal beside it keeps what was recorded");
  }
  auto stats = client.stats();
  print_report(report, stats,
               args.count("tokens-out") != 0U ? args["tokens-out"].as<std::string>() : "");
  const bool ok = report.failed == 0 && report.unrecorded == 0 && folded;
  return ok ? kExitOk : kExitError;
}

}  // namespace rtk::cli
