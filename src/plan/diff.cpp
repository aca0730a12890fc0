#include "plan/diff.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

#include "model/create_marker.hpp"
#include "model/digest.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "plan/changes.hpp"
#include "plan/meeting_diff.hpp"
#include "plan/participants_diff.hpp"
#include "plan/titles.hpp"

namespace rtk::plan {
namespace {

using model::Field;
using model::Resource;

const json* find_summary(const model::Observed& o, const std::string& id) {
  for (const auto& s : o.summaries) {
    if (s.value("id", "") == id) return &s;
  }
  return nullptr;
}

// Whether the meeting is in service now and the plan sets it INACTIVE.
bool takes_out_of_service(const MeetingDiff& diff, const model::DesiredMeeting& d,
                          const json& observed) {
  if (!diff.status_changed) return false;
  const json* now = model::get_path(observed, "status");
  const bool active = now == nullptr || !now->is_string() || *now != model::kInactive;
  return active && model::string_at(d.fields, "status") == model::kInactive;
}

// What a create cannot carry (fields POST does not take but PATCH does, such as status) goes
// in a PATCH right after it, where it differs from the server's default.
Operation after_create(const model::DesiredMeeting& d) {
  Operation patch{.kind = OpKind::UpdateMeeting};
  for (const Field* f : model::children(Resource::Meeting, "")) {
    if (f->accepts(model::kPost) || !f->accepts(model::kPatch) || f->has(model::kLocal)) continue;
    const json* value = model::get_path(d.fields, f->path);
    const json server_default = f->default_json.empty() ? json() : json::parse(f->default_json);
    if (value == nullptr || value->is_null() || *value == server_default) continue;
    const FieldChange c = change_of(*f, &server_default, *value, d.references);
    patch.body[std::string(f->name())] = c.reference.empty() ? *value : json(c.reference);
    patch.changes.push_back(c);
  }
  return patch;
}

void plan_create(const model::DesiredMeeting& d, const PlanInput& in, const TitleIndex& unbound,
                 MeetingPlan& mp, Plan& plan) {
  if (!d.import_id.empty()) {  // exported from an existing meeting: bind it, never duplicate it
    plan.errors.push_back("meeting " + d.key + " names import_id " + d.import_id +
                          " but is not bound to it: run `rtksync import --by-title` (or "
                          "`rtksync import " +
                          d.key + " " + d.import_id +
                          "`) first, or remove import_id to create a "
                          "new meeting.");
    return;
  }
  mp.action = MeetingAction::Create;
  Operation create{
      .kind = OpKind::CreateMeeting,
      .body = model::without_nulls(model::body_for(Resource::Meeting, d.fields, model::kPost))};
  put_references(create.body, d.references);
  create.changes = creation_changes(Resource::Meeting, create.body, d.references);
  mp.ops.push_back(std::move(create));
  if (auto after = after_create(d); !after.body.empty()) mp.ops.push_back(std::move(after));
  plan_participants(d, nullptr, nullptr, in, mp, plan);
  check_unbound_same_title(d, unbound, mp, plan);
}

// A title that still carries a create marker (the create's follow-up PATCH never ran) goes back
// to the title it was meant to have, even when the YAML leaves the title unmanaged: the marker
// is rtksync's, not the user's. nullopt when there is nothing to undo.
std::optional<model::DesiredMeeting> without_marker(const model::DesiredMeeting& d,
                                                    const json& observed) {
  const json title = observed.value("title", json());
  if (d.fields.contains("title") || !title.is_string()) return std::nullopt;
  if (model::create_nonce_of(title.get<std::string>()).empty()) return std::nullopt;
  model::DesiredMeeting out = d;
  out.fields["title"] = model::unmarked_title(title.get<std::string>());
  return out;
}

// The meeting without the fields its ignore_changes names (another system owns them): the
// diff never sees them, and a PUT carries what the server has.
model::DesiredMeeting ignoring_changes(model::DesiredMeeting d) {
  for (const auto& path : d.ignore_changes) {
    model::erase_path(d.fields, path);
    for (auto it = d.references.begin(); it != d.references.end();) {
      const bool under = it->first == path || it->first.rfind(path + ".", 0) == 0;
      it = under ? d.references.erase(it) : std::next(it);
    }
  }
  return d;
}

void plan_existing(const model::DesiredMeeting& wanted, const state::MeetingState& st,
                   const PlanInput& in, MeetingPlan& mp, Plan& plan) {
  mp.id = st.id;
  if (!wanted.import_id.empty() && wanted.import_id != st.id) {
    plan.errors.push_back("meeting " + wanted.key + " names import_id " + wanted.import_id +
                          " but is bound to " + st.id + ". Fix import_id, or `rtksync state rm " +
                          wanted.key + "` and import it again.");
    return;
  }
  if (in.observed.missing.count(st.id) != 0U) {
    plan.errors.push_back("meeting " + wanted.key + " is bound to id " + st.id +
                          ", which the server does not have (removed outside rtksync?). To "
                          "create it anew: `rtksync state rm " +
                          wanted.key + "`, then plan again.");
    return;
  }
  auto found = in.observed.meetings.find(st.id);
  if (found == in.observed.meetings.end()) return;
  const json& observed = found->second;
  // Fields another system owns are left out first; a create marker is removed whatever the
  // YAML says (it is rtksync's).
  std::optional<model::DesiredMeeting> adjusted;
  if (!wanted.ignore_changes.empty()) adjusted = ignoring_changes(wanted);
  if (auto unmarked = without_marker(adjusted.value_or(wanted), observed)) adjusted = unmarked;
  const model::DesiredMeeting& d = adjusted ? *adjusted : wanted;
  MeetingDiff diff = diff_meeting(d, observed, st, in.state.salt);
  json replacement;
  if (!diff.needs_put.empty()) {
    json desired = d.fields;
    desired.erase("status");
    replacement = replace_body(desired, observed);
    auto erased = erased_credentials(replacement, observed, st);
    if (!erased.empty()) {
      // The PUT is refused; the meeting's other changes stay in the plan, for the reader.
      plan.errors.push_back("meeting " + d.key +
                            ": this change needs a PUT of recording_config, "
                            "which would erase the stored storage credentials (" +
                            joined(erased) +
                            ") because the YAML does not supply them. Add them under "
                            "recording_config.storage_config as ${env:...} references, or "
                            "revert the change.");
      replacement = json();
    }
  }
  if (replacement.is_object()) {
    json body = std::move(replacement);
    put_references(body, d.references);
    mp.action = MeetingAction::Replace;
    std::vector<FieldChange> changes = diff.needs_put;
    FieldChange status_change;
    for (auto& c : diff.patchable) {
      if (c.path == "status")
        status_change = c;
      else
        changes.push_back(c);
    }
    mp.ops.push_back(Operation{.kind = OpKind::ReplaceMeeting, .body = body, .changes = changes});
    if (diff.status_changed) {
      mp.ops.push_back(Operation{.kind = OpKind::UpdateMeeting,
                                 .body = json{{"status", status_change.after}},
                                 .changes = {status_change}});
    }
  } else if (!diff.patchable.empty()) {
    mp.action = MeetingAction::Update;
    json body = json::object();
    for (const auto& c : diff.patchable) {
      std::string top = top_of(c.path);
      json desired_top = top == "status" ? c.after : d.fields[top];
      body[top] = observed.contains(top) ? overlay(observed[top], desired_top) : desired_top;
    }
    body = model::body_for(Resource::Meeting, body, model::kPatch);  // no-op removals inside
    put_references(body, d.references);
    mp.ops.push_back(
        Operation{.kind = OpKind::UpdateMeeting, .body = body, .changes = diff.patchable});
  }
  auto people = in.observed.participants.find(st.id);
  plan_participants(d, people == in.observed.participants.end() ? nullptr : &people->second, &st,
                    in, mp, plan);
  if (takes_out_of_service(diff, d, observed)) {
    mp.action = MeetingAction::Deactivate;  // whatever the cause: status or defaults
    if (d.protect && !in.overrides.allow_removals) {
      plan.errors.push_back("meeting " + d.key +
                            " is protected and the plan deactivates it (status: INACTIVE). If "
                            "this is intended, pass --allow-removals.");
    }
  }
}

void plan_deactivate(const std::string& key, const state::MeetingState& st, const PlanInput& in,
                     MeetingPlan& mp, Plan& plan) {
  mp.id = st.id;
  if (st.protect) {
    plan.warnings.push_back("meeting " + key + " (id " + st.id +
                            ") is protected and was removed "
                            "from the configuration; it will not be deactivated. To stop "
                            "managing it: `rtksync state rm " +
                            key + "`.");
    return;
  }
  const json* summary = find_summary(in.observed, st.id);
  if (summary == nullptr) {
    plan.warnings.push_back("meeting " + key + " (id " + st.id +
                            ") is gone from the server and "
                            "from the configuration; `rtksync state rm " +
                            key + "` forgets it.");
    return;
  }
  if (model::string_at(*summary, "status") == model::kInactive) return;
  mp.action = MeetingAction::Deactivate;
  auto referenced = in.state.referenced.find(key);
  const bool secret_title =
      st.digests.count("title") != 0U ||
      (referenced != in.state.referenced.end() && referenced->second.count("title") != 0U);
  mp.title = secret_title ? model::kSensitive : model::string_at(*summary, "title");
  mp.ops.push_back(
      Operation{.kind = OpKind::DeactivateMeeting,
                .body = json{{"status", model::kInactive}},
                .changes = {FieldChange{
                    .path = "status", .before = model::kActive, .after = model::kInactive}}});
}

void fingerprint(const MeetingPlan& mp, const PlanInput& in, Plan& plan) {
  if (mp.id.empty()) return;
  const model::Observed& observed = in.observed;
  Fingerprint fp{.meeting_id = mp.id};
  if (const json* s = find_summary(observed, mp.id)) fp.updated_at = s->value("updated_at", "");
  auto object = observed.meetings.find(mp.id);
  if (observed.every_bound_fetched && object != observed.meetings.end())
    fp.object_digest = object_digest(in.state.salt, mp.id, object->second);
  auto people = observed.participants.find(mp.id);
  if (people != observed.participants.end())
    fp.participants_digest = participants_digest(people->second);
  plan.fingerprints[mp.key] = fp;
}

std::vector<json> unmanaged_meetings(const PlanInput& in) {
  std::set<std::string> bound;
  for (const auto& [key, st] : in.state.meetings) bound.insert(st.id);
  std::vector<json> out;
  for (const auto& s : in.observed.summaries) {
    const std::string id = s.value("id", "");
    const std::string title = model::string_at(s, "title");
    if (bound.count(id) != 0U || !model::create_nonce_of(title).empty()) continue;
    out.push_back({{"id", id}, {"title", title}, {"status", model::string_at(s, "status")}});
  }
  return out;
}

std::string percent_text(double percent) {
  return std::to_string(static_cast<int>(percent)) + "%";
}

// The plan-wide limits: deactivations (whatever their cause) and mass updates.
void check_limits(const PlanInput& in, const std::vector<std::string>& deactivated,
                  const std::vector<std::string>& updated, size_t existing, Plan& plan) {
  const auto& limits = in.project.limits;
  if (!in.overrides.allow_removals &&
      static_cast<int>(deactivated.size()) > limits.max_deactivations) {
    plan.errors.push_back("the plan deactivates " + std::to_string(deactivated.size()) +
                          " meetings (" + joined(deactivated) + "), over the safety limit of " +
                          std::to_string(limits.max_deactivations) +
                          ". If this is intended, pass --allow-removals.");
  }
  const double share = limits.max_update_percent / 100.0 * static_cast<double>(existing);
  const auto n = static_cast<double>(updated.size());
  if (!in.overrides.allow_updates && n > share && n > limits.min_updates) {
    plan.errors.push_back("the plan updates " + std::to_string(updated.size()) + " of " +
                          std::to_string(existing) + " meetings, over the safety limit (" +
                          percent_text(limits.max_update_percent) + " and more than " +
                          std::to_string(limits.min_updates) +
                          "). Check the configuration (a changed default?); if this is intended, "
                          "pass --allow-updates.");
  }
}

}  // namespace

bool same_value(const Field& field, const json& desired, const json* observed) {
  if (observed == nullptr || observed->is_null()) return desired.is_null();
  if (desired.is_null()) {  // removed: the server may report the field's default instead
    return !field.default_json.empty() && *observed == json::parse(field.default_json);
  }
  if (field.kind == model::Kind::Integer || field.kind == model::Kind::Number) {
    return desired.is_number() && observed->is_number() &&
           desired.get<double>() == observed->get<double>();
  }
  if (field.kind == model::Kind::StringList && desired.is_array() && observed->is_array()) {
    std::set<json> a(desired.begin(), desired.end());
    std::set<json> b(observed->begin(), observed->end());
    return a == b;
  }
  return desired == *observed;
}

Plan build_plan(const PlanInput& in) {
  Plan plan;
  size_t managed = 0;
  for (const auto& [key, st] : in.state.meetings) managed += st.deactivated ? 0 : 1;
  const auto& targets = in.overrides.targets;
  if (in.desired.meetings.empty() && managed > 0 && targets.empty()) {
    plan.errors.push_back("the configuration declares no meetings while the state manages " +
                          std::to_string(managed) +
                          "; refusing to deactivate everything. Check "
                          "the include globs in " +
                          in.project.file + ".");
    return plan;
  }
  const TitleIndex unbound = unbound_by_title(in);
  std::set<std::string> keys;
  for (const auto& [k, d] : in.desired.meetings) keys.insert(k);
  for (const auto& [k, st] : in.state.meetings) keys.insert(k);
  for (const auto& t : targets) {
    if (keys.count(t) == 0U)
      plan.errors.push_back("--target " + t +
                            " is neither a meeting key of the configuration nor in the state");
  }
  if (!targets.empty()) {
    std::set<std::string> chosen;
    std::set_intersection(keys.begin(), keys.end(), targets.begin(), targets.end(),
                          std::inserter(chosen, chosen.end()));
    keys = std::move(chosen);
  }
  std::vector<std::string> deactivated;
  std::vector<std::string> updated;
  size_t existing = 0;  // managed meetings bound and on the server
  for (const auto& key : keys) {
    MeetingPlan mp;
    mp.key = key;
    auto d = in.desired.meetings.find(key);
    const state::MeetingState* st = in.state.find(key);
    if (d != in.desired.meetings.end()) {
      plan.protect[key] = d->second.protect;
      auto& referenced = plan.referenced[key];
      for (const auto& [path, ref] : d->second.references) referenced.insert(path);
      mp.title = shown_title(d->second);
      if (st == nullptr) {
        plan_create(d->second, in, unbound, mp, plan);
      } else {
        plan_existing(d->second, *st, in, mp, plan);
      }
    } else if (!st->deactivated) {
      plan_deactivate(key, *st, in, mp, plan);
    }
    if (mp.action == MeetingAction::Deactivate) deactivated.push_back(key);
    if (mp.action == MeetingAction::Update || mp.action == MeetingAction::Replace)
      updated.push_back(key);
    if (st != nullptr && d != in.desired.meetings.end() && in.observed.missing.count(st->id) == 0U)
      ++existing;
    if (mp.ops.empty() && mp.notes.empty()) continue;
    fingerprint(mp, in, plan);
    plan.meetings.push_back(std::move(mp));
  }
  check_limits(in, deactivated, updated, existing, plan);
  plan.unmanaged = unmanaged_meetings(in);
  plan.counts = count_operations(plan.meetings);
  return plan;
}

}  // namespace rtk::plan
