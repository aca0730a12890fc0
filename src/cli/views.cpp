#include "cli/views.hpp"

#include <ostream>

#include "cli/session.hpp"
#include "plan/render.hpp"

namespace rtk::cli {
namespace {

void show_tokens_notes(std::ostream& err, const ApplyOutcome& o) {
  const auto& r = o.report;
  if (r.tokens_kept > 0) {
    err << "Wrote " << r.tokens_kept << " join tokens to " << o.tokens_out
        << " (mode 0600, one JSON object a line; a participant's last line is live).\n";
  }
  if (r.tokens_not_kept > 0) {
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

void show_plan(std::ostream& out, const plan::Plan& plan, Format format,
               const api::CallStats& stats) {
  plan::RenderContext ctx{format == Format::Text && stdout_is_tty(), stats.total, stats.retries};
  switch (format) {
    case Format::Text:
      out << plan::render_text(plan, ctx);
      break;
    case Format::Json:
      out << plan::render_json(plan, ctx).dump(2) << "\n";
      break;
    case Format::Markdown:
      out << plan::render_markdown(plan, ctx);
      break;
  }
}

void ApplyProgress::operator()(const apply::OpResult& r) {
  ++seen_;
  if (format_ != Format::Text) return;
  if (tty_) {
    out_ << "\r[" << seen_ << "/" << total_ << "] " << r.meeting_key << ": " << r.description
         << "\033[K" << std::flush;
    return;
  }
  out_ << apply::to_string(r.outcome) << ": " << r.meeting_key << ": " << r.description
       << (r.error.empty() ? "" : " (" + r.error + ")") << "\n";
}

void ApplyProgress::finish() {
  if (format_ == Format::Text && tty_ && seen_ > 0) out_ << "\r\033[K" << std::flush;
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
          {"plan", plan::render_json(o.plan, {false, 0, 0})},
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

void show_apply_report(std::ostream& out, std::ostream& err, const ApplyOutcome& outcome,
                       Format format) {
  switch (format) {
    case Format::Text:
      show_text(out, outcome);
      break;
    case Format::Json:
      out << apply_report_json(outcome).dump(2) << "\n";
      break;
    case Format::Markdown:
      show_markdown(out, outcome);
      break;
  }
  show_tokens_notes(err, outcome);
}

}  // namespace rtk::cli
