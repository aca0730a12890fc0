// cli/views: the one place commands print their results. Plans go to stdout in the chosen
// format; apply's progress is a line per operation (or one rewritten line on a terminal) in text
// and silent otherwise; apply's report is text, markdown, or with --format json one JSON
// document holding the plan and every operation's outcome, so stdout stays machine-readable.
// Notes for people (tokens written, budget waits) go to stderr.
#pragma once

#include <iosfwd>
#include <string>

#include "api/api.hpp"
#include "apply/executor.hpp"
#include "cli/command.hpp"
#include "plan/plan.hpp"

namespace rtk::cli {

void show_plan(std::ostream& out, const plan::Plan& plan, Format format,
               const api::CallStats& stats);

// Prints each finished operation as it happens (text only). Not thread-safe by itself: the
// executor calls its observer one call at a time.
class ApplyProgress {
 public:
  ApplyProgress(std::ostream& out, Format format, bool tty, int total)
      : out_(out), format_(format), tty_(tty), total_(total) {}
  void operator()(const apply::OpResult& r);
  void finish();

 private:
  std::ostream& out_;
  Format format_;
  bool tty_;
  int total_;
  int seen_ = 0;
};

struct ApplyOutcome {
  const plan::Plan& plan;
  const apply::ApplyReport& report;
  api::CallStats stats;
  std::string tokens_out;  // "" without --tokens-out
};

void show_apply_report(std::ostream& out, std::ostream& err, const ApplyOutcome& outcome,
                       Format format);
// The JSON document of `apply --format json`.
nlohmann::json apply_report_json(const ApplyOutcome& outcome);

}  // namespace rtk::cli
