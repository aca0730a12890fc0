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
#include "cli/views.hpp"
#include "model/projection.hpp"
#include "plan/render.hpp"
#include "plan/saved_plan.hpp"
#include "state/lock.hpp"
#include "state/store.hpp"

namespace rtk::cli {

namespace {

// The reasons a saved plan no longer fits the world, or empty when it still does.
std::vector<std::string> stale_reasons(const plan::SavedPlan& saved, const config::Loaded& config,
                                       const state::State& state, api::Api& client) {
  std::vector<std::string> out;
  const auto& project = config.project;
  if (saved.account_id != project.account_id || saved.app_id != project.app_id) {
    out.push_back("the plan targets account " + saved.account_id + ", app " + saved.app_id +
                  ", not account " + project.account_id + ", app " + project.app_id);
    return out;
  }
  if (!saved.config_digest.empty() && saved.config_digest != plan::config_digest(config.desired)) {
    out.push_back("the configuration changed since the plan was made");
  }
  api::ObserveRequest request;
  for (const auto& [key, fp] : saved.plan.fingerprints) {
    if (fp.object_digest.empty()) {
      request.also_bound.insert(fp.meeting_id);  // the list's updated_at suffices
    } else {
      request.bound[fp.meeting_id] = {};  // planned with --refresh=full: GET it again
      request.refresh = api::Refresh::Full;
    }
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
    } else if (now_updated != fp.updated_at ||
               (!fp.object_digest.empty() &&
                plan::object_digest(state.salt, fp.meeting_id,
                                    observed->meetings[fp.meeting_id]) != fp.object_digest)) {
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

int fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitError;
}

Result<std::optional<plan::SavedPlan>> read_saved_plan(const cxxopts::ParseResult& args) {
  if (args.count("plan-file") == 0U) return std::optional<plan::SavedPlan>{};
  std::ifstream in(args["plan-file"].as<std::string>());
  if (!in) return Error{"cannot read the plan file " + args["plan-file"].as<std::string>()};
  auto parsed = plan::from_plan_file(nlohmann::json::parse(in, nullptr, false));
  if (!parsed) return parsed.error();
  return std::optional<plan::SavedPlan>(std::move(parsed).value());
}

// What an apply holds while it runs: the state lock, the client and the state store (written
// once and journaled, so the state is known to be recordable before anything changes).
struct Session {
  state::Lock lock;
  std::unique_ptr<api::Client> client;
  std::unique_ptr<state::Store> store;
};

Result<Session> open_session(const cxxopts::ParseResult& args, const model::Project& project,
                             const api::ClientOptions& copts) {
  const auto path = state_path_of(project);
  auto lock = state::Lock::acquire(path, std::chrono::seconds(args["lock-timeout"].as<int>()));
  if (!lock) return lock.error();
  if (!lock->takeover_note().empty()) std::cerr << "warning: " << lock->takeover_note() << "\n";
  auto loaded = state::load(path, project.account_id, project.app_id);
  if (!loaded) return loaded.error();
  auto client = std::make_unique<api::Client>(copts);
  // Creates an earlier run left in flight are bound or dropped first: look, then change.
  auto resolved = apply::resolve_earlier_creates(*client, *loaded);
  if (!resolved) return Error{resolved.error().message()};
  for (const auto& r : *resolved) std::cerr << "note: " << r.note << "\n";
  auto store = std::make_unique<state::Store>(path, std::move(loaded).value());
  if (auto opened = store->open(); !opened) {
    return Error{"the state cannot be recorded, so nothing was changed: " + opened.error().message};
  }
  return Session{std::move(lock).value(), std::move(client), std::move(store)};
}

// The plan to apply: the saved one if it still fits the world, else a fresh one.
Result<apply::Planned> plan_or_check(Session& s, const config::Loaded& config,
                                     const std::optional<plan::SavedPlan>& saved,
                                     plan::Overrides overrides) {
  if (!saved) {
    auto planned = apply::observe_and_plan(*s.client, config.project, config.desired,
                                           s.store->snapshot(), overrides);
    if (!planned) return Error{planned.error().message()};
    return std::move(planned).value();
  }
  auto reasons = stale_reasons(*saved, config, s.store->snapshot(), *s.client);
  if (!reasons.empty()) {
    std::string text = "the plan is stale; nothing was changed:";
    for (const auto& r : reasons) text += "\n  - " + r;
    return Error{text + "\nRun `rtksync plan --out FILE` again."};
  }
  apply::Planned out{.plan = saved->plan};
  out.plan.counts = plan::count_operations(out.plan.meetings);
  return out;
}

std::unique_ptr<apply::TokenSink> open_token_sink(const cxxopts::ParseResult& args,
                                                  std::string& error) {
  if (args.count("tokens-out") == 0U) return nullptr;
  auto sink = apply::file_token_sink(args["tokens-out"].as<std::string>());
  if (auto opened = sink->open(); !opened) {
    error = opened.error().message + "; nothing was changed";
    return nullptr;
  }
  return sink;
}

void add_apply_options(cxxopts::Options& options) {
  add_common_options(options);
  add_api_options(options);
  add_safety_options(options);
  // clang-format off
  options.add_options("apply")
    ("auto-approve", "do not ask for confirmation (required without a terminal)")
    ("tokens-out", "append participants' join tokens to FILE as they arrive (JSON lines, mode 0600)", cxxopts::value<std::string>())
    ("lock-timeout", "seconds to wait for another apply's lock", cxxopts::value<int>()->default_value("0"))
    ("plan-file", "saved plan", cxxopts::value<std::string>());
  // clang-format on
  options.parse_positional({"plan-file"});
  options.positional_help("[PLAN_FILE]");
}

// Runs the plan with progress, folds the state, prints the report; returns the exit code.
int run_plan(Session& s, const plan::Plan& plan, const config::Loaded& config,
             const cxxopts::ParseResult& args, Format format, apply::TokenSink* tokens) {
  int total = 0;
  for (const auto& mp : plan.meetings) total += static_cast<int>(mp.ops.size());
  ApplyProgress progress(std::cout, format, stdout_is_tty(), total);
  apply::ApplyOptions options{.root = config.project.root,
                              .env = config::process_env(),
                              .parallelism = s.client->parallelism(),
                              .tokens = tokens};
  auto report = apply::execute(plan, *s.client, *s.store, options, std::ref(progress));
  progress.finish();
  // Protect flags of meetings created just now, and the journal folded into the file.
  auto folded = apply::refresh_state(*s.store, plan, nullptr);
  if (!folded) {
    report.warnings.push_back(
        "the state file could not be written at the end: " + folded.error().message +
        "; the journal beside it keeps what was recorded");
  }
  const std::string tokens_out =
      args.count("tokens-out") != 0U ? args["tokens-out"].as<std::string>() : "";
  show_apply_report(std::cout, std::cerr, {plan, report, s.client->stats(), tokens_out}, format);
  return report.failed == 0 && report.unrecorded == 0 && folded ? kExitOk : kExitError;
}

}  // namespace

int apply_command(int argc, char** argv) {
  cxxopts::Options options("rtksync apply",
                           "Make the API match the configuration, or apply a saved plan FILE "
                           "exactly (refused if anything it touches changed since).");
  add_apply_options(options);
  int code = kExitOk;
  auto run = start(options, argc, argv, code);
  if (!run) return code;
  const auto& [args, format, config] = *run;
  auto saved = read_saved_plan(args);
  if (!saved) return fail(saved.error().message);
  const bool ask = !*saved && args.count("auto-approve") == 0U;
  if (ask && isatty(STDIN_FILENO) == 0) {
    return fail(
        "not on a terminal, so there is no one to confirm; pass --auto-approve (or apply "
        "a saved plan file)");
  }
  auto copts = client_options(args, config.project);
  if (!copts) return kExitError;
  auto session = open_session(args, config.project, *copts);
  if (!session) return fail(session.error().message);
  auto planned = plan_or_check(*session, config, *saved, safety_overrides(args));
  if (!planned) return fail(planned.error().message);
  const auto& plan = planned->plan;
  const bool blocked = !plan.errors.empty() || !plan.has_changes();
  if (format != Format::Json || blocked)
    show_plan(std::cout, plan, format, session->client->stats());
  if (!plan.errors.empty()) return kExitError;
  if (auto refreshed = apply::refresh_state(*session->store, plan, &planned->observed);
      !refreshed) {
    return fail("the state cannot be recorded, so nothing was changed: " +
                refreshed.error().message);
  }
  if (!plan.has_changes()) return kExitOk;
  if (ask && !confirm()) return fail("apply cancelled; nothing was changed");
  std::string sink_error;
  auto tokens = open_token_sink(args, sink_error);
  if (!sink_error.empty()) return fail(sink_error);
  return run_plan(*session, plan, config, args, format, tokens.get());
}

}  // namespace rtk::cli
