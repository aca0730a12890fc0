// cli/views: the one place commands print their results. Plans go to stdout in the chosen
// format; apply's progress is a line per operation (or one rewritten line on a terminal) in text
// and silent otherwise; apply's report is text, markdown, or with --format json one JSON
// document holding the plan and every operation's outcome, so stdout stays machine-readable.
// Notes for people (tokens written, budget waits) go to stderr, and not with --quiet;
// diagnostics and warnings always do.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "api/observe.hpp"
#include "apply/executor.hpp"
#include "cli/command.hpp"
#include "config/diagnostics.hpp"
#include "plan/plan.hpp"

namespace rtk::cli {

// config diagnostics, one a line (file:line:col: error: ...).
void show_diagnostics(std::ostream& err, const config::Diagnostics& diags);
// validate's result: the diagnostics and a count, or with json the diagnostics as JSON.
void show_validation(std::ostream& out, const config::Loaded& loaded, Format format);
// The same for each environment ("environment NAME: ..."; json: one object by name).
void show_environment_validations(std::ostream& out,
                                  const std::map<std::string, config::Loaded>& each, Format format);

// On a terminal (stderr, no --quiet), a rewritten line while meetings and participants are
// read: "reading the server: 120/1000". Empty (no line) otherwise.
api::Progress fetch_progress(const Terminal& term);
// Clears that line.
void end_fetch_progress(const Terminal& term);
// A wait for the request budget: in the progress line on a terminal, else a note line.
void show_budget_wait(const Terminal& term, const std::string& text);

// --refresh-only: the keys whose cached copy the server changed, recorded or to be.
enum class RefreshView { WouldRecord, Recorded };
void show_refresh(std::ostream& out, const std::vector<std::string>& keys, Format format,
                  RefreshView view);

void show_note(const Terminal& term, const std::string& text);  // "note: ..." unless --quiet
void show_warning(const std::string& text);                     // "warning: ..."

struct PlanView {
  Format format = Format::Text;
  Terminal term;
  api::CallStats stats;
  std::string target;      // "ACCOUNT/APP"
  double rate_budget = 0;  // --rate-limit, for the estimate of an apply it would slow
  double rate_window_s = 0;
};
// The plan on out; with Format::Github the markdown also goes to $GITHUB_STEP_SUMMARY (an
// Error when that file cannot be written).
Result<Unit> show_plan(std::ostream& out, const plan::Plan& plan, const PlanView& view);

// Prints each finished operation as it happens (text only). Not thread-safe by itself: the
// executor calls its observer one call at a time.
class ApplyProgress {
 public:
  ApplyProgress(std::ostream& out, Format format, const Terminal& term, int total)
      : out_(out), format_(format), term_(term), total_(total) {}
  void operator()(const apply::OpResult& r);
  void finish();

 private:
  std::ostream& out_;
  Format format_;
  Terminal term_;
  int total_;
  int seen_ = 0;
};

struct ApplyOutcome {
  const plan::Plan& plan;
  const apply::ApplyReport& report;
  api::CallStats stats;
  std::string tokens_out;  // "" without --tokens-out
};

void show_apply_report(std::ostream& out, const ApplyOutcome& outcome, Format format,
                       const Terminal& term);
// The JSON document of `apply --format json`.
nlohmann::json apply_report_json(const ApplyOutcome& outcome);

}  // namespace rtk::cli
