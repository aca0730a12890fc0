// plan/render: the plan's three faces: text (Terraform-style, colour only when asked),
// JSON (a stable schema for machines) and markdown (a PR comment). Renderers only read the
// plan; every value passes through the same masking of sensitive fields.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace rtk::plan {

struct RenderContext {
  bool color = false;
  long api_calls = 0;
  long retries = 0;
};

std::string render_text(const Plan& plan, const RenderContext& ctx);
std::string render_markdown(const Plan& plan, const RenderContext& ctx);
json render_json(const Plan& plan, const RenderContext& ctx);

// "Plan: 1 to create, ...; participants: ..." or "No changes. ..."
std::string summary_line(const Plan& plan);
// "N API calls (R retries)", singular where it is one.
std::string api_calls_text(long calls, long retries);
// A change's value for machine output: "(sensitive)" for a present secret, else the value.
json masked(const FieldChange& c, const json& value);
// A change's value as shown: "(sensitive)" for secrets, JSON otherwise.
std::string shown(const FieldChange& c, const json& value);

inline constexpr int kJsonFormatVersion = 1;

}  // namespace rtk::plan
