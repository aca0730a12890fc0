// cli/plan_command: `rtksync plan`: observe, diff, render; optionally save the plan.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "apply/intents.hpp"
#include "cli/command.hpp"
#include "cli/session.hpp"
#include "cli/version.hpp"
#include "cli/views.hpp"
#include "plan/render.hpp"
#include "plan/saved_plan.hpp"

namespace rtk::cli {

int plan_command(int argc, char** argv) {
  cxxopts::Options options("rtksync plan",
                           "Show what apply would change. Reads the API; changes nothing.\n"
                           "Exit 0: no changes (or changes without --detailed-exitcode); 1: "
                           "error; 2: changes present with --detailed-exitcode.");
  add_common_options(options);
  add_api_options(options);
  // clang-format off
  options.add_options("plan")
    ("out", "save the plan to FILE for `rtksync apply FILE`", cxxopts::value<std::string>())
    ("detailed-exitcode", "exit 2 when there are changes")
    ("refresh", "auto: GET only meetings whose list updated_at moved since the state's copy; "
     "full: GET every bound meeting (sees changes that did not move updated_at)",
     cxxopts::value<std::string>()->default_value("auto"));
  // clang-format on
  add_safety_options(options);
  int code = kExitOk;
  auto run = start(options, argc, argv, code);
  if (!run) return code;
  const auto& [args, format, config] = *run;
  const auto& project = config.project;
  auto state = state::load(state_path_of(project), project.account_id, project.app_id);
  if (!state) {
    std::cerr << "error: " << state.error().message << "\n";
    return kExitError;
  }
  auto copts = client_options(args, project);
  if (!copts) return kExitError;
  api::Client client(*copts);
  if (!state->intents.empty()) {  // a crashed apply: look, in memory only (plan writes nothing)
    auto resolved = apply::resolve_intents(client, *state);
    if (!resolved) {
      std::cerr << "error: " << resolved.error().message() << "\n";
      return kExitError;
    }
    for (const auto& r : *resolved)
      std::cerr << "note: " << r.note << " (apply will record this)\n";
    apply::apply_resolutions(*resolved, *state);
  }
  const auto refresh = args["refresh"].as<std::string>();
  if (refresh != "auto" && refresh != "full") {
    std::cerr << "error: --refresh must be auto or full, got " << refresh << "\n";
    return kExitError;
  }
  auto planned = observe_and_plan(client, config, *state, safety_overrides(args),
                                  refresh == "full" ? api::Refresh::Full : api::Refresh::Changed);
  if (!planned) {
    std::cerr << "error: " << planned.error().message() << "\n";
    return kExitError;
  }
  const auto& plan = planned->plan;
  show_plan(std::cout, plan, format, client.stats());
  if (!plan.errors.empty()) return kExitError;
  if (args.count("out") != 0U) {
    plan::SavedPlan saved{plan,           project.account_id,
                          project.app_id, plan::config_digest(config.desired),
                          kVersion,       state::now_iso()};
    auto file = plan::to_plan_file(saved);
    if (!file) {
      std::cerr << "error: " << file.error().message << "\n";
      return kExitError;
    }
    auto out = args["out"].as<std::string>();
    auto written = state::write_atomically(out, file->dump(2) + "\n", 0600);
    if (!written) {
      std::cerr << "error: " << written.error().message << "\n";
      return kExitError;
    }
    std::cerr << "Saved the plan to " << out << ". Apply exactly it with: rtksync apply " << out
              << "\n";
  }
  return (args.count("detailed-exitcode") != 0U && plan.has_changes()) ? kExitChanges : kExitOk;
}

}  // namespace rtk::cli
