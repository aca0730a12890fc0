#include "plan/render.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "model/printable.hpp"
#include "model/projection.hpp"

namespace rtk::plan {
namespace {

struct Style {
  bool on;
  [[nodiscard]] std::string paint(const std::string& code, const std::string& text) const {
    return on ? "\033[" + code + "m" + text + "\033[0m" : text;
  }
};

std::string symbol(MeetingAction a) {
  return std::string(traits(a).symbol);
}

std::string colour_of(const std::string& sym) {
  if (sym == "+") return "32";
  if (sym == "-") return "31";
  if (sym == "±") return "35";
  return "33";
}

std::string op_symbol(OpKind k) {
  return std::string(traits(k).symbol);
}

std::string heading(const MeetingPlan& mp) {
  std::string what = to_string(mp.action);
  if (mp.action == MeetingAction::Replace) what = "replace via PUT";
  if (mp.action == MeetingAction::None) what = "participants";
  std::string out = "meeting " + model::printable(mp.key) + " (" + what;
  if (!mp.id.empty()) out += ", id " + mp.id;
  return out + ")";
}

bool is_removal(const FieldChange& c) {
  return c.after.is_null() && !c.before.is_null();
}

std::string change_line(const FieldChange& c) {
  if (is_removal(c)) return c.path + ": " + shown_before(c) + " → (removed)";
  if (c.before.is_null()) return c.path + ": " + shown_after(c);
  return c.path + ": " + shown_before(c) + " → " + shown_after(c);
}

std::string participant_line(const Operation& op) {
  switch (op.kind) {
    case OpKind::AddParticipant:
      return "participant " + model::printable(op.participant) + " (" +
             op.body.value("preset_name", "") + ")";
    case OpKind::RemoveParticipant:
      return "participant " + model::printable(op.participant);
    case OpKind::RotateToken:
      return "participant " + model::printable(op.participant) + ": rotate join token" +
             (op.redeliver ? " (its last token was never delivered)" : "");
    default: {
      std::string out = "participant " + model::printable(op.participant) + ": ";
      for (size_t i = 0; i < op.changes.size(); ++i) {
        if (i > 0) out += ", ";
        out += change_line(op.changes[i]);
      }
      return out;
    }
  }
}

std::string plural(int n, const std::string& what) {
  return std::to_string(n) + " " + what;
}

}  // namespace

json masked_before(const FieldChange& c) {
  return c.sensitive && !c.before.is_null() ? json(model::kSensitive) : c.before;
}

json masked_after(const FieldChange& c) {
  if (!c.reference.empty()) return c.reference;
  return c.sensitive && !c.after.is_null() ? json(model::kSensitive) : c.after;
}

namespace {

std::string as_text(const FieldChange& c, const json& shown) {
  if (shown.is_null()) return "(none)";
  if (c.sensitive && shown.is_string()) return shown.get<std::string>();  // marker or reference
  return shown.dump();
}

}  // namespace

std::string shown_before(const FieldChange& c) {
  return as_text(c, masked_before(c));
}

std::string shown_after(const FieldChange& c) {
  return as_text(c, masked_after(c));
}

std::string unmanaged_line(const Plan& plan) {
  constexpr size_t kShown = 5;
  const auto& u = plan.unmanaged;
  std::string out = std::to_string(u.size()) +
                    (u.size() == 1 ? " meeting on the server is" : " meetings on the server are") +
                    " not managed by this configuration: ";
  for (size_t i = 0; i < u.size() && i < kShown; ++i) {
    out += (i == 0 ? "" : ", ") + u[i]["title"].dump() + " (" + u[i].value("id", "") + ")";
  }
  if (u.size() > kShown) out += " and " + std::to_string(u.size() - kShown) + " more";
  return out + ". `rtksync export` writes YAML for them; `--format json` lists them all.";
}

// "1 h 30 min", "25 min", "45 s".
std::string duration_text(long seconds) {
  if (seconds < 60) return std::to_string(seconds) + " s";
  const long minutes = (seconds + 59) / 60;
  if (minutes < 60) return std::to_string(minutes) + " min";
  return std::to_string(minutes / 60) + " h" +
         (minutes % 60 != 0 ? " " + std::to_string(minutes % 60) + " min" : "");
}

// Said only when the budget, not the latency, sets how long an apply takes.
std::string budget_text(const ApplyEstimate& e, const RenderContext& ctx) {
  return "Applying this plan makes about " + std::to_string(e.calls) +
         " API calls; the request budget (" + std::to_string(static_cast<long>(ctx.rate_budget)) +
         " per " + duration_text(static_cast<long>(ctx.rate_window_s)) +
         ", --rate-limit) makes that take at least " + duration_text(e.budget_seconds) + ".";
}

std::string api_calls_text(long calls, long retries) {
  return std::to_string(calls) + (calls == 1 ? " API call (" : " API calls (") +
         std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
}

std::string summary_line(const Plan& plan) {
  const Counts& c = plan.counts;
  if (!c.any()) return "No changes. Meetings match the configuration.";
  std::string out = "Plan: " + plural(c.create, "to create") + ", " +
                    plural(c.update, "to update") + ", " + plural(c.replace, "to replace") + ", " +
                    plural(c.deactivate, "to deactivate") +
                    "; participants: " + plural(c.add, "to add") + ", " +
                    plural(c.edit, "to edit") + ", " + plural(c.remove, "to remove");
  if (c.rotate > 0)
    out += "; " + plural(c.rotate, c.rotate == 1 ? "token to rotate" : "tokens to rotate");
  return out + ".";
}

std::string render_text(const Plan& plan, const RenderContext& ctx) {
  Style st{ctx.color};
  std::ostringstream out;
  if (plan.has_changes()) out << "rtksync will perform the following actions:\n\n";
  for (const auto& mp : plan.meetings) {
    if (mp.ops.empty()) {
      for (const auto& n : mp.notes) out << "  note: " << n << "\n";
      continue;
    }
    std::string sym = symbol(mp.action);
    out << "  " << st.paint(colour_of(sym), sym + " " + heading(mp)) << "\n";
    for (const auto& op : mp.ops) {
      std::string osym = op_symbol(op.kind);
      if (is_meeting_op(op.kind)) {
        for (const auto& c : op.changes) {
          std::string csym = op.kind == OpKind::CreateMeeting ? "+" : is_removal(c) ? "-" : "~";
          out << "      " << st.paint(colour_of(csym), csym) << " " << change_line(c) << "\n";
        }
      } else {
        out << "      " << st.paint(colour_of(osym), osym) << " " << participant_line(op) << "\n";
      }
    }
    for (const auto& n : mp.notes) out << "      note: " << n << "\n";
    out << "\n";
  }
  for (const auto& w : plan.warnings) out << st.paint("33", "warning: ") << w << "\n";
  for (const auto& e : plan.errors) out << st.paint("31", "error: ") << e << "\n";
  if (!plan.warnings.empty() || !plan.errors.empty()) out << "\n";
  if (!plan.unmanaged.empty()) out << unmanaged_line(plan) << "\n\n";
  out << st.paint("1", summary_line(plan)) << "\n";
  out << api_calls_text(ctx.api_calls, ctx.retries) << ".\n";
  if (const auto e = estimate_apply(plan, ctx); e.budget_seconds > 0)
    out << budget_text(e, ctx) << "\n";
  return out.str();
}

ApplyEstimate estimate_apply(const Plan& plan, const RenderContext& ctx) {
  ApplyEstimate e;
  e.calls = ctx.api_calls;
  for (const auto& mp : plan.meetings) {
    for (const auto& op : mp.ops) e.calls += traits(op.kind).calls;
  }
  const auto budget = static_cast<long>(ctx.rate_budget);
  if (budget >= 1 && plan.has_changes() && e.calls > budget) {
    // A sliding window: each further `budget` requests go one window after the previous.
    const long windows = (e.calls - 1) / budget;  // whole windows, rounded down
    e.budget_seconds =
        static_cast<long>(std::ceil(static_cast<double>(windows) * ctx.rate_window_s));
  }
  return e;
}

json render_json(const Plan& plan, const RenderContext& ctx) {
  json meetings = json::array();
  for (const auto& mp : plan.meetings) {
    json ops = json::array();
    for (const auto& op : mp.ops) {
      json changes = json::array();
      for (const auto& c : op.changes) {
        changes.push_back({{"path", c.path},
                           {"before", masked_before(c)},
                           {"after", masked_after(c)},
                           {"sensitive", c.sensitive}});
      }
      json o{{"kind", to_string(op.kind)}, {"method", http_method(op.kind)}, {"changes", changes}};
      if (!op.participant.empty()) o["participant"] = op.participant;
      ops.push_back(o);
    }
    meetings.push_back({{"key", mp.key},
                        {"id", mp.id.empty() ? json() : json(mp.id)},
                        {"title", mp.title},
                        {"action", to_string(mp.action)},
                        {"operations", ops},
                        {"notes", mp.notes}});
  }
  const Counts& c = plan.counts;
  const ApplyEstimate estimate = estimate_apply(plan, ctx);
  return json{
      {"format_version", kJsonFormatVersion},
      {"changes", plan.has_changes()},
      {"summary",
       {{"meetings",
         {{"create", c.create},
          {"update", c.update},
          {"replace", c.replace},
          {"deactivate", c.deactivate}}},
        {"participants",
         {{"add", c.add}, {"edit", c.edit}, {"remove", c.remove}, {"rotate_token", c.rotate}}}}},
      {"meetings", meetings},
      {"errors", plan.errors},
      {"warnings", plan.warnings},
      {"unmanaged", plan.unmanaged},
      {"api_calls", {{"total", ctx.api_calls}, {"retries", ctx.retries}}},
      {"apply_estimate", {{"calls", estimate.calls}, {"budget_seconds", estimate.budget_seconds}}}};
}

namespace {

// One meeting's part of the markdown: its table row and its <details> block.
struct MarkdownMeeting {
  std::string row;
  std::string details;
};

std::string markdown_symbol(const Operation& op, const FieldChange* c) {
  if (op.kind == OpKind::CreateMeeting || op.kind == OpKind::AddParticipant) return "+ ";
  if (op.kind == OpKind::DeactivateMeeting || op.kind == OpKind::RemoveParticipant) return "- ";
  if (c != nullptr && is_removal(*c)) return "- ";
  return "! ";
}

MarkdownMeeting markdown_meeting(const MeetingPlan& mp) {
  int add = 0, edit = 0, remove = 0;
  std::ostringstream details;
  details << "<details><summary><code>" << mp.key << "</code>: " << heading(mp)
          << "</summary>\n\n```diff\n";
  for (const auto& op : mp.ops) {
    add += op.kind == OpKind::AddParticipant;
    edit += op.kind == OpKind::EditParticipant || op.kind == OpKind::RotateToken;
    remove += op.kind == OpKind::RemoveParticipant;
    if (!is_meeting_op(op.kind)) {
      details << markdown_symbol(op, nullptr) << participant_line(op) << "\n";
      continue;
    }
    for (const auto& c : op.changes) details << markdown_symbol(op, &c) << change_line(c) << "\n";
  }
  details << "```\n";
  for (const auto& n : mp.notes) details << "\n_note: " << n << "_\n";
  details << "\n</details>\n\n";
  const std::string sym = mp.action == MeetingAction::Deactivate ? "−" : symbol(mp.action);
  return {"| " + sym + " | `" + mp.key + "` | " + to_string(mp.action) + " | " +
              std::to_string(add) + " / " + std::to_string(edit) + " / " + std::to_string(remove) +
              " |\n",
          details.str()};
}

std::string markdown_head(const Plan& plan, const RenderContext& ctx) {
  std::ostringstream out;
  out << kMarkdownMarkerPrefix << ctx.target << " -->\n";
  out << "### rtksync plan: `" << ctx.target << "`\n\n";
  if (!plan.errors.empty()) {
    out << "> [!CAUTION]\n";
    for (const auto& e : plan.errors) out << "> " << e << "\n";
    out << "\n";
  }
  out << "**" << summary_line(plan) << "**\n\n";
  return out.str();
}

std::string markdown_tail(const Plan& plan, const RenderContext& ctx) {
  std::ostringstream out;
  for (const auto& w : plan.warnings) out << "- :warning: " << w << "\n";
  if (!plan.unmanaged.empty()) out << "\n" << unmanaged_line(plan) << "\n";
  out << "\n<sub>" << api_calls_text(ctx.api_calls, ctx.retries);
  if (const auto e = estimate_apply(plan, ctx); e.budget_seconds > 0)
    out << ". " << budget_text(e, ctx);
  out << "</sub>\n";
  return out.str();
}

}  // namespace

std::string render_markdown(const Plan& plan, const RenderContext& ctx) {
  const std::string head = markdown_head(plan, ctx);
  const std::string tail = markdown_tail(plan, ctx);
  constexpr size_t kNoticeRoom = 400;  // the table header and the "not shown" notice
  const size_t room =
      kMarkdownLimit - std::min(kMarkdownLimit, head.size() + tail.size() + kNoticeRoom);
  std::string rows, details;
  size_t left_out = 0;
  for (const auto& mp : plan.meetings) {
    if (mp.ops.empty()) continue;
    auto m = markdown_meeting(mp);
    if (left_out > 0 || rows.size() + details.size() + m.row.size() + m.details.size() > room) {
      ++left_out;  // whole meetings only, and none after the first left out (order is kept)
      continue;
    }
    rows += m.row;
    details += m.details;
  }
  std::string out = head;
  if (!rows.empty()) {
    out += "| | meeting | action | participants (+/~/−) |\n|---|---|---|---|\n" + rows + "\n" +
           details;
  }
  if (left_out > 0) {
    out +=
        "_" + std::to_string(left_out) + (left_out == 1 ? " more meeting" : " more meetings") +
        " with changes not shown: a comment is capped at " + std::to_string(kMarkdownLimit) +
        " characters. `rtksync plan` lists every change; the summary above counts them all._\n\n";
  }
  return out + tail;
}

}  // namespace rtk::plan
