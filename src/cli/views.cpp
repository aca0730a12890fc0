#include "cli/views.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <ostream>

#include "plan/render.hpp"

namespace rtk::cli {
namespace {

void show_tokens_notes(const Terminal& term, const ApplyOutcome& o) {
  std::ostream& err = std::cerr;
  const auto& r = o.report;
  if (r.tokens_kept > 0 && !term.quiet) {
    err << "Wrote " << r.tokens_kept << " join tokens to " << o.tokens_out
        << " (mode 0600, one JSON object a line; a participant's last line is live).\n";
  }
  if (r.tokens_not_kept > 0 && !term.quiet) {
    err << "note: " << r.tokens_not_kept
        << " join tokens were issued and not kept; pass --tokens-out FILE to keep them, or "
           "raise a participant's token_rotation to issue a new one.\n";
  }
  if (r.tokens_undelivered > 0) {
    err << "warning: " << r.tokens_undelivered
        << " join tokens were issued but not delivered; the state remembers them and the next "
           "apply rotates exactly those.\n";
  }
}

// GitHub Actions shows $GITHUB_STEP_SUMMARY's markdown on the run's page.
Result<Unit> show_github_summary(std::ostream& out, const std::string& markdown) {
  out << markdown;
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') return Unit{};
  std::ofstream summary(path, std::ios::app);
  summary << markdown;
  summary.flush();
  if (!summary)
    return Error{std::string("cannot write the plan to $GITHUB_STEP_SUMMARY (") + path + ")"};
  return Unit{};
}

bool incomplete(const apply::ApplyReport& r) {
  return r.failed > 0 || r.unrecorded > 0;
}

std::string summary(const ApplyOutcome& o) {
  const auto& r = o.report;
  return std::string(incomplete(r) ? "Apply incomplete: " : "Apply complete: ") +
         std::to_string(r.done) + " done, " + std::to_string(r.unrecorded) + " unrecorded, " +
         std::to_string(r.failed) + " failed, " + std::to_string(r.skipped) + " skipped. " +
         plan::api_calls_text(o.stats.total, o.stats.retries) + ".";
}

void show_text(std::ostream& out, const ApplyOutcome& o) {
  for (const auto& r : o.report.results) {
    if (r.outcome == apply::Outcome::Done) continue;
    out << apply::to_string(r.outcome) << ": " << r.meeting_key << ": " << r.description << ": "
        << r.error << "\n";
  }
  for (const auto& w : o.report.warnings) out << "warning: " << w << "\n";
  out << summary(o) << "\n";
  if (incomplete(o.report)) {
    out << "Run apply again to finish: the state holds every recorded success.\n";
  }
}

void show_markdown(std::ostream& out, const ApplyOutcome& o) {
  out << "### rtksync apply\n\n" << summary(o) << "\n\n";
  bool header = false;
  for (const auto& r : o.report.results) {
    if (r.outcome == apply::Outcome::Done) continue;
    if (!header) out << "| outcome | meeting | operation | detail |\n|---|---|---|---|\n";
    header = true;
    out << "| " << apply::to_string(r.outcome) << " | `" << r.meeting_key << "` | " << r.description
        << " | " << r.error << " |\n";
  }
  for (const auto& w : o.report.warnings) out << "\n> warning: " << w << "\n";
}

}  // namespace

void show_diagnostics(std::ostream& err, const config::Diagnostics& diags) {
  for (const auto& d : diags.sorted()) err << config::format(d) << "\n";
}

void show_validation(std::ostream& out, const config::Loaded& loaded, Format format) {
  const auto& diags = loaded.diagnostics;
  if (format == Format::Json) {
    out << config::to_json(diags.sorted()).dump(2) << "\n";
    return;
  }
  show_diagnostics(out, diags);
  if (diags.has_errors()) {
    out << config::count_text(diags.error_count(), diags.warning_count()) << "\n";
    return;
  }
  out << loaded.desired.meetings.size() << " meetings, " << loaded.desired.participant_count()
      << " participants: OK";
  if (diags.warning_count() > 0) {
    out << " (" << diags.warning_count()
        << (diags.warning_count() == 1 ? " warning)" : " warnings)");
  }
  out << "\n";
}

void show_environment_validations(std::ostream& out,
                                  const std::map<std::string, config::Loaded>& each,
                                  Format format) {
  if (format == Format::Json) {
    nlohmann::json doc = nlohmann::json::object();
    for (const auto& [name, loaded] : each)
      doc[name] = config::to_json(loaded.diagnostics.sorted());
    out << nlohmann::json{{"environments", doc}}.dump(2) << "\n";
    return;
  }
  for (const auto& [name, loaded] : each) {
    out << "environment " << name << ": ";
    show_validation(out, loaded, format);
  }
}

api::Progress fetch_progress(const Terminal& term) {
  if (!term.stderr_tty || term.quiet) return {};
  return [](size_t done, size_t total) {
    std::cerr << "\rreading the server: " << done << "/" << total << "\033[K" << std::flush;
  };
}

void show_budget_wait(const Terminal& term, const std::string& text) {
  if (term.quiet) return;
  if (term.stderr_tty) {  // in the progress line, which the next progress overwrites
    std::cerr << "\r" << text << "\033[K" << std::flush;
    return;
  }
  std::cerr << "note: " << text << "\n";
}

void end_fetch_progress(const Terminal& term) {
  if (term.stderr_tty && !term.quiet) std::cerr << "\r\033[K" << std::flush;
}

void show_refresh(std::ostream& out, const std::vector<std::string>& keys, Format format,
                  RefreshView view) {
  const bool recorded = view == RefreshView::Recorded;
  if (format == Format::Json) {
    out << nlohmann::json{{"refreshed", keys}, {"recorded", recorded}}.dump(2) << "\n";
    return;
  }
  if (keys.empty()) {
    out << "The state's cached copies match the server; nothing to refresh.\n";
    return;
  }
  out << (recorded ? "Refreshed the state's cached copy of "
                   : "Would refresh the state's cached copy of ")
      << keys.size() << (keys.size() == 1 ? " meeting" : " meetings")
      << " the server changed outside rtksync:";
  for (const auto& k : keys) out << " " << k;
  out << "\n"
      << (recorded ? "" : "Nothing was changed; `rtksync apply --refresh-only` records it.\n");
}

void show_note(const Terminal& term, const std::string& text) {
  if (!term.quiet) std::cerr << "note: " << text << "\n";
}

void show_warning(const std::string& text) {
  std::cerr << "warning: " << text << "\n";
}

Result<Unit> show_plan(std::ostream& out, const plan::Plan& plan, const PlanView& view) {
  const plan::RenderContext ctx{.color = view.format == Format::Text && view.term.color,
                                .api_calls = view.stats.total,
                                .retries = view.stats.retries,
                                .target = view.target,
                                .rate_budget = view.rate_budget,
                                .rate_window_s = view.rate_window_s};
  switch (view.format) {
    case Format::Json:
      out << plan::render_json(plan, ctx).dump(2) << "\n";
      return Unit{};
    case Format::Markdown:
      out << plan::render_markdown(plan, ctx);
      return Unit{};
    case Format::Github:
      return show_github_summary(out, plan::render_markdown(plan, ctx));
    case Format::Text:
    case Format::Yaml:
      out << plan::render_text(plan, ctx);
      return Unit{};
  }
  return Unit{};
}

void ApplyProgress::operator()(const apply::OpResult& r) {
  ++seen_;
  if (format_ != Format::Text || term_.quiet) return;
  if (term_.stdout_tty) {
    out_ << "\r[" << seen_ << "/" << total_ << "] " << r.meeting_key << ": " << r.description
         << "\033[K" << std::flush;
    return;
  }
  out_ << apply::to_string(r.outcome) << ": " << r.meeting_key << ": " << r.description
       << (r.error.empty() ? "" : " (" + r.error + ")") << "\n";
}

void ApplyProgress::finish() {
  if (format_ == Format::Text && term_.stdout_tty && !term_.quiet && seen_ > 0)
    out_ << "\r\033[K" << std::flush;
}

nlohmann::json apply_report_json(const ApplyOutcome& o) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : o.report.results) {
    results.push_back({{"meeting", r.meeting_key},
                       {"operation", r.description},
                       {"outcome", apply::to_string(r.outcome)},
                       {"error", r.error}});
  }
  const auto& r = o.report;
  return {{"format_version", plan::kJsonFormatVersion},
          {"plan", plan::render_json(o.plan, {})},
          {"results", results},
          {"warnings", r.warnings},
          {"summary",
           {{"complete", !incomplete(r)},
            {"done", r.done},
            {"unrecorded", r.unrecorded},
            {"failed", r.failed},
            {"skipped", r.skipped},
            {"api_calls", o.stats.total},
            {"retries", o.stats.retries},
            {"tokens_kept", r.tokens_kept},
            {"tokens_not_kept", r.tokens_not_kept},
            {"tokens_undelivered", r.tokens_undelivered}}}};
}

void show_apply_report(std::ostream& out, const ApplyOutcome& outcome, Format format,
                       const Terminal& term) {
  switch (format) {
    case Format::Json:
      out << apply_report_json(outcome).dump(2) << "\n";
      break;
    case Format::Markdown:
    case Format::Github:
      show_markdown(out, outcome);
      break;
    case Format::Text:
    case Format::Yaml:
      show_text(out, outcome);
      break;
  }
  show_tokens_notes(term, outcome);
}

}  // namespace rtk::cli
