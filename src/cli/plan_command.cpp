// cli/plan_command: `rtksync plan`: load, look at creates a crashed apply left, observe and
// plan, show; optionally save the plan for `rtksync apply FILE`.
#include <iostream>

#include "apply/intents.hpp"
#include "cli/command.hpp"
#include "cli/session.hpp"
#include "cli/version.hpp"
#include "cli/views.hpp"
#include "plan/saved_plan.hpp"
#include "state/store.hpp"

namespace rtk::cli {
namespace {

Result<api::Refresh> refresh_of(const cxxopts::ParseResult& args) {
  const auto text = args["refresh"].as<std::string>();
  if (text == "auto") return api::Refresh::Changed;
  if (text == "full") return api::Refresh::Full;
  return Error{"--refresh must be auto or full, got " + text};
}

// Creates a crashed apply left in flight, looked at in memory only (plan writes nothing).
Result<Unit> look_at_earlier_creates(api::Api& api, state::State& state, const Terminal& term) {
  if (state.intents.empty()) return Unit{};
  auto resolved = apply::resolve_intents(api, state);
  if (!resolved) return resolved.error();
  for (const auto& r : *resolved) show_note(term, r.note + " (apply will record this)");
  apply::apply_resolutions(*resolved, state);
  return Unit{};
}

Result<Unit> save_plan(const plan::Plan& plan, const config::Loaded& config,
                       const std::string& path, const Terminal& term) {
  const plan::SavedPlan saved{.plan = plan,
                              .account_id = config.project.account_id,
                              .app_id = config.project.app_id,
                              .config_digest = plan::config_digest(config.desired),
                              .tool_version = kVersion,
                              .created_at = state::now_iso()};
  auto file = plan::to_plan_file(saved);
  if (!file) return file.error();
  auto written = state::write_atomically(path, file->dump(2) + "\n", 0600);
  if (!written) return written.error();
  show_note(term, "saved the plan to " + path + ". Apply exactly it with: rtksync apply " + path);
  return Unit{};
}

}  // namespace

void add_plan_options(cxxopts::Options& options) {
  add_common_options(options);
  add_api_options(options);
  // clang-format off
  options.add_options("plan")
    ("out", "save the plan to FILE for `rtksync apply FILE`", cxxopts::value<std::string>())
    ("detailed-exitcode", "exit 2 when there are changes")
    ("refresh", "auto: GET only meetings whose list updated_at moved since the state's copy; "
     "full: GET every bound meeting (sees changes that did not move updated_at)",
     cxxopts::value<std::string>()->default_value("auto"))
    ("refresh-only", "show which cached copies in the state the server has changed (what "
     "`apply --refresh-only` would record); plan nothing");
  // clang-format on
  add_safety_options(options);
}

Exit plan_command(const Invocation& inv) {
  auto request = plan_request(inv.args);
  auto refresh = refresh_of(inv.args);
  if (!refresh) return refresh.error();
  request.refresh = *refresh;
  auto config = load_config(inv, Env::Strict);
  if (!config) return config.error();
  auto state = load_state(config->project);
  if (!state) return state.error();
  auto client = make_client(inv, config->project);
  if (!client) return client.error();
  auto& api = **client;
  if (auto looked = look_at_earlier_creates(api, *state, inv.term); !looked) return looked.error();
  if (inv.args.count("refresh-only") != 0U) request.refresh = api::Refresh::Full;
  request.on_progress = fetch_progress(inv.term);
  auto planned = observe_and_plan(api, *config, *state, request);
  end_fetch_progress(inv.term);
  if (!planned) return planned.error();
  if (inv.args.count("refresh-only") != 0U) {
    show_refresh(std::cout, apply::stale_copies(*state, planned->observed), inv.format,
                 RefreshView::WouldRecord);
    return kExitOk;
  }
  const auto& plan = planned->plan;
  const auto view = plan_view(inv, api, config->project);
  if (auto shown = show_plan(std::cout, plan, view); !shown) return shown.error();
  if (!plan.errors.empty()) return kExitError;  // the plan's view shows them
  if (inv.args.count("out") != 0U) {
    auto saved = save_plan(plan, *config, inv.args["out"].as<std::string>(), inv.term);
    if (!saved) return saved.error();
  }
  const bool detailed = inv.args.count("detailed-exitcode") != 0U;
  return detailed && plan.has_changes() ? kExitChanges : kExitOk;
}

}  // namespace rtk::cli
