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

// What apply FILE reads again: the list (updated_at), the participants the plan listed, and
// the meetings a --refresh=full plan read whole.
api::ObserveRequest recheck_request(const plan::Plan& plan) {
  api::ObserveRequest request;
  for (const auto& [key, fp] : plan.fingerprints) {
    if (fp.object_digest.empty()) {
      request.also_bound.insert(fp.meeting_id);  // the list's updated_at suffices
    } else {
      request.bound[fp.meeting_id] = {};  // planned with --refresh=full: GET it again
      request.refresh = api::Refresh::Full;
    }
    if (!fp.participants_digest.empty()) request.participants_of.insert(fp.meeting_id);
  }
  return request;
}

// Why one fingerprinted meeting no longer fits, or "".
std::string moved(const std::string& key, const plan::Fingerprint& fp, model::Observed& observed,
                  const std::string& updated_at, const state::State& state) {
  if (observed.missing.count(fp.meeting_id) != 0U)
    return "meeting " + key + " no longer exists on the server";
  const bool object_moved =
      !fp.object_digest.empty() &&
      plan::object_digest(state.salt, fp.meeting_id, observed.meetings[fp.meeting_id]) !=
          fp.object_digest;
  if (updated_at != fp.updated_at || object_moved)
    return "meeting " + key + " changed since the plan was made";
  if (!fp.participants_digest.empty() &&
      plan::participants_digest(observed.participants[fp.meeting_id]) != fp.participants_digest)
    return "the participants of meeting " + key + " changed since the plan was made";
  const auto* ms = state.find(key);
  if (ms == nullptr || ms->id != fp.meeting_id)
    return "meeting " + key + " is bound differently in the state than when planned";
  return "";
}

// The reasons a saved plan no longer fits the world, or empty when it still does.
std::vector<std::string> stale_reasons(const plan::SavedPlan& saved, const config::Loaded& config,
                                       const state::State& state, api::Api& client) {
  const auto& project = config.project;
  if (saved.account_id != project.account_id || saved.app_id != project.app_id) {
    return {"the plan targets " + saved.account_id + "/" + saved.app_id + ", not " +
            target_of(project)};
  }
  std::vector<std::string> out;
  if (!saved.config_digest.empty() && saved.config_digest != plan::config_digest(config.desired))
    out.emplace_back("the configuration changed since the plan was made");
  auto observed = api::observe(client, recheck_request(saved.plan));
  if (!observed) {
    out.push_back("cannot re-read the objects the plan touches: " + observed.error().message());
    return out;
  }
  std::map<std::string, std::string> updated_at;  // id -> updated_at, from the list
  for (const auto& s : observed->summaries)
    updated_at[s.value("id", "")] = s.value("updated_at", "");
  for (const auto& [key, fp] : saved.plan.fingerprints) {
    auto why = moved(key, fp, *observed, updated_at[fp.meeting_id], state);
    if (!why.empty()) out.push_back(why);
  }
  for (const auto& mp : saved.plan.meetings) {
    if (mp.action == plan::MeetingAction::Create && state.find(mp.key) != nullptr)
      out.push_back("meeting " + mp.key + " was created since the plan was made");
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

Result<std::optional<plan::SavedPlan>> read_saved_plan(const cxxopts::ParseResult& args) {
  if (args.count("plan-file") == 0U) return std::optional<plan::SavedPlan>{};
  const auto path = args["plan-file"].as<std::string>();
  std::ifstream in(path);
  if (!in) return Error{"cannot read the plan file " + path};
  auto parsed = plan::from_plan_file(nlohmann::json::parse(in, nullptr, false));
  if (!parsed) return parsed.error();
  return std::optional<plan::SavedPlan>(std::move(parsed).value());
}

// Confirmation: none with --auto-approve, a saved plan (it was reviewed) or --refresh-only;
// else a person at a terminal must say yes.
Result<bool> must_ask(const cxxopts::ParseResult& args, bool saved) {
  if (saved && args.count("refresh-only") != 0U)
    return Error{"--refresh-only plans nothing, so it takes no plan file"};
  // --refresh-only changes nothing on the server: there is nothing to confirm.
  const bool ask = !saved && args.count("auto-approve") == 0U && args.count("refresh-only") == 0U;
  if (ask && isatty(STDIN_FILENO) == 0) {
    return Error{
        "not on a terminal, so there is no one to confirm; pass --auto-approve (or apply a "
        "saved plan file)"};
  }
  return ask;
}

// What an apply holds while it runs: the state lock, the client and the state store (written
// once and journaled, so the state is known to be recordable before anything changes).
struct Session {
  state::Lock lock;
  std::unique_ptr<api::Client> client;
  std::unique_ptr<state::Store> store;
};

Result<Session> open_session(const Invocation& inv, const model::Project& project) {
  auto client = make_client(inv, project);
  if (!client) return client.error();
  const auto path = state_path_of(project);
  auto lock = state::Lock::acquire(path, std::chrono::seconds(inv.args["lock-timeout"].as<int>()));
  if (!lock) return lock.error();
  if (!lock->takeover_note().empty()) show_warning(lock->takeover_note());
  auto loaded = state::load(path, project.account_id, project.app_id);
  if (!loaded) return loaded.error();
  // Creates an earlier run left in flight are bound or dropped first: look, then change.
  auto resolved = apply::resolve_earlier_creates(**client, *loaded);
  if (!resolved) return resolved.error();
  for (const auto& r : *resolved) show_note(inv.term, r.note);
  auto store = std::make_unique<state::Store>(path, std::move(loaded).value());
  if (auto opened = store->open(); !opened) {
    return Error{"the state cannot be recorded, so nothing was changed: " + opened.error().message};
  }
  return Session{std::move(lock).value(), std::move(client).value(), std::move(store)};
}

// The plan to apply: the saved one if it still fits the world, else a fresh one.
Result<apply::Planned> plan_or_check(Session& s, const config::Loaded& config,
                                     const std::optional<plan::SavedPlan>& saved,
                                     const PlanRequest& request) {
  if (!saved) return observe_and_plan(*s.client, config, s.store->snapshot(), request);
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

// Where join tokens go: --tokens-out FILE, opened (and so known writable) before any change.
Result<std::unique_ptr<apply::TokenSink>> open_token_sink(const cxxopts::ParseResult& args) {
  if (args.count("tokens-out") == 0U) return std::unique_ptr<apply::TokenSink>{};
  auto sink = apply::file_token_sink(args["tokens-out"].as<std::string>());
  if (auto opened = sink->open(); !opened)
    return Error{opened.error().message + "; nothing was changed"};
  return sink;
}

// Caches what planning observed in the state: a plan without changes still refreshes it.
Result<Unit> record_observed(Session& s, const apply::Planned& planned) {
  auto refreshed = apply::refresh_state(*s.store, planned.plan, &planned.observed);
  if (!refreshed)
    return Error{"the state cannot be recorded, so nothing was changed: " +
                 refreshed.error().message};
  return Unit{};
}

// apply --refresh-only: the state's cached copies become what the server holds; nothing on
// the server changes.
Exit record_refresh(Session& s, const apply::Planned& planned, Format format) {
  const auto stale = apply::stale_copies(s.store->snapshot(), planned.observed);
  if (auto recorded = record_observed(s, planned); !recorded) return recorded.error();
  show_refresh(std::cout, stale, format, RefreshView::Recorded);
  return kExitOk;
}

// Runs the plan with progress, folds the state, shows the report; returns the exit code.
int run_plan(Session& s, const plan::Plan& plan, const config::Loaded& config,
             const Invocation& inv, apply::TokenSink* tokens) {
  int total = 0;
  for (const auto& mp : plan.meetings) total += static_cast<int>(mp.ops.size());
  ApplyProgress progress(std::cout, inv.format, inv.term, total);
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
      inv.args.count("tokens-out") != 0U ? inv.args["tokens-out"].as<std::string>() : "";
  show_apply_report(std::cout, {plan, report, s.client->stats(), tokens_out}, inv.format, inv.term);
  return report.failed == 0 && report.unrecorded == 0 && folded ? kExitOk : kExitError;
}

}  // namespace

void add_apply_options(cxxopts::Options& options) {
  add_common_options(options);
  add_api_options(options);
  add_safety_options(options);
  // clang-format off
  options.add_options("apply")
    ("auto-approve", "do not ask for confirmation (required without a terminal)")
    ("tokens-out", "append participants' join tokens to FILE as they arrive (JSON lines, mode 0600)", cxxopts::value<std::string>())
    ("lock-timeout", "seconds to wait for another apply's lock", cxxopts::value<int>()->default_value("0"))
    ("refresh-only", "record in the state what the server holds now (every bound meeting is "
     "read); change nothing on the server")
    ("plan-file", "saved plan", cxxopts::value<std::string>());
  // clang-format on
  options.parse_positional({"plan-file"});
  options.positional_help("[PLAN_FILE]");
}

Exit apply_command(const Invocation& inv) {
  auto config = load_config(inv, Env::Strict);
  if (!config) return config.error();
  auto saved = read_saved_plan(inv.args);
  if (!saved) return saved.error();
  auto ask = must_ask(inv.args, saved->has_value());
  if (!ask) return ask.error();
  auto session = open_session(inv, config->project);
  if (!session) return session.error();
  auto request = plan_request(inv.args);
  const bool refresh_only = inv.args.count("refresh-only") != 0U;
  if (refresh_only) request.refresh = api::Refresh::Full;
  request.on_progress = fetch_progress(inv.term);
  auto planned = plan_or_check(*session, *config, *saved, request);
  end_fetch_progress(inv.term);
  if (!planned) return planned.error();
  if (refresh_only) return record_refresh(*session, *planned, inv.format);
  const auto& plan = planned->plan;
  if (inv.format != Format::Json || !plan.errors.empty() || !plan.has_changes()) {
    const auto view = plan_view(inv, *session->client, config->project);
    if (auto shown = show_plan(std::cout, plan, view); !shown) return shown.error();
  }
  if (!plan.errors.empty()) return kExitError;  // the plan's view shows them
  if (auto recorded = record_observed(*session, *planned); !recorded) return recorded.error();
  if (!plan.has_changes()) return kExitOk;
  if (*ask && !confirm()) return Error{"apply cancelled; nothing was changed"};
  auto tokens = open_token_sink(inv.args);
  if (!tokens) return tokens.error();
  return run_plan(*session, plan, *config, inv, tokens->get());
}

}  // namespace rtk::cli
