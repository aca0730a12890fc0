// plan/render: the plan's three faces: text (Terraform-style, colour only when asked),
// JSON (a stable schema for machines) and markdown (a PR comment). Renderers only read the
// plan; every value passes through the same masking of sensitive fields.
#pragma once

#include <string>
#include <string_view>

#include "plan/plan.hpp"

namespace rtk::plan {

struct RenderContext {
  bool color = false;
  long api_calls = 0;
  long retries = 0;
  std::string target;  // "ACCOUNT/APP": named by the markdown's marker and heading
  // The client's request budget (--rate-limit), for the time estimate of a plan whose apply
  // exceeds it; 0: no estimate.
  double rate_budget = 0;
  double rate_window_s = 0;
};

// What applying plan would cost against the request budget: this plan's reads again, and
// each operation's requests.
struct ApplyEstimate {
  long calls = 0;
  long budget_seconds = 0;  // the least time the budget allows; 0 when within one budget
};
ApplyEstimate estimate_apply(const Plan& plan, const RenderContext& ctx);

// The markdown's first line, "<!-- rtksync plan: ACCOUNT/APP -->": a CI step finds the pull
// request comment to update by it. The whole markdown stays within kMarkdownLimit characters
// (GitHub refuses comments over 65,536): meetings that do not fit are left out whole, with a
// notice; the summary, the errors and the warnings are always there.
inline constexpr std::string_view kMarkdownMarkerPrefix = "<!-- rtksync plan: ";
inline constexpr size_t kMarkdownLimit = 60000;

std::string render_text(const Plan& plan, const RenderContext& ctx);
std::string render_markdown(const Plan& plan, const RenderContext& ctx);
json render_json(const Plan& plan, const RenderContext& ctx);

// "Plan: 1 to create, ...; participants: ..." or "No changes. ..."
std::string summary_line(const Plan& plan);
// "N meetings on the server are not managed by this configuration: ..." (the first few).
std::string unmanaged_line(const Plan& plan);
// "N API calls (R retries)", singular where it is one.
std::string api_calls_text(long calls, long retries);
// A change's values for machine output and plan files: "(sensitive)" for a secret or a value
// that came from a reference, the reference text for the new value when it came from one,
// else the value (null when absent). The plan never holds more than that.
json masked_before(const FieldChange& c);
json masked_after(const FieldChange& c);
// The same as text: "(none)" when absent, reference texts and "(sensitive)" as they are,
// other values as JSON.
std::string shown_before(const FieldChange& c);
std::string shown_after(const FieldChange& c);

inline constexpr int kJsonFormatVersion = 1;

}  // namespace rtk::plan
