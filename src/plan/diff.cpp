#include "plan/diff.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "model/create_marker.hpp"
#include "model/digest.hpp"
#include "model/projection.hpp"

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

// Observed object (objects merge; desired wins), so unmanaged nested values are kept.
json overlay(const json& observed, const json& desired) {
  if (!observed.is_object() || !desired.is_object()) return desired;
  json out = observed;
  for (const auto& [k, v] : desired.items()) {
    out[k] = out.contains(k) ? overlay(out[k], v) : v;
  }
  return out;
}

void put_references(json& body, const model::DesiredMeeting& d) {
  for (const auto& [path, ref] : d.references) {
    if (model::get_path(body, path) != nullptr) model::set_path(body, path, ref);
  }
}

std::string top_of(const std::string& path) {
  return path.substr(0, path.find('.'));
}

struct MeetingDiff {
  std::vector<FieldChange> patchable;  // changes a PATCH can make (status included)
  std::vector<FieldChange> needs_put;  // recording_config and write-only changes
  bool status_changed = false;
};

MeetingDiff diff_meeting(const model::DesiredMeeting& d, const json& observed,
                         const state::MeetingState& st, const std::string& salt) {
  MeetingDiff out;
  json desired = d.fields;
  if (st.deactivated && !desired.contains("status")) desired["status"] = "ACTIVE";  // undo ours
  model::for_each_leaf(Resource::Meeting, desired, [&](const Field& f, const json& value) {
    if (f.has(model::kLocal)) return;
    std::string path(f.path);
    FieldChange c{path, json(), value, f.has(model::kSecret)};
    const json* fresh = model::get_path(observed, path);
    if (f.has(model::kSecret) && (f.has(model::kWriteOnly) || fresh == nullptr)) {
      // Never returned (write-only), or stripped from the state's cached copy: by digest.
      auto it = st.digests.find(path);
      auto digest = model::secret_digest(
          salt, path, value.is_string() ? value.get<std::string>() : value.dump());
      if (it != st.digests.end() && it->second == digest) return;
      out.needs_put.push_back(std::move(c));
      return;
    }
    if (same_value(f, value, fresh)) return;
    if (fresh != nullptr) c.before = *fresh;
    const Field* top = model::find_field(Resource::Meeting, top_of(path));
    if (top != nullptr && top->accepts(model::kPatch)) {
      if (path == "status") out.status_changed = true;
      out.patchable.push_back(std::move(c));
    } else {
      out.needs_put.push_back(std::move(c));
    }
  });
  return out;
}

// The PUT body: every replaceable field, desired where managed, observed otherwise.
json replace_body(const json& desired, const json& observed) {
  json body = json::object();
  for (const Field* f : model::children(Resource::Meeting, "")) {
    if (!f->accepts(model::kPut)) continue;
    std::string key(f->name());
    if (desired.contains(key)) {
      body[key] = observed.contains(key) ? overlay(observed[key], desired[key]) : desired[key];
    } else if (observed.contains(key)) {
      body[key] = observed[key];
    }
  }
  return model::body_for(Resource::Meeting, body, model::kPut);
}

// Write-only credentials a PUT would erase: the server has a storage_config and the body lacks
// a credential its storage type uses (field table: storage_types) that the state says was set.
// When the state knows nothing of them (an imported meeting), a body that supplies none of
// the type's credentials would surely erase what is there.
std::vector<std::string> erased_credentials(const json& body, const json& observed,
                                            const state::MeetingState& st) {
  std::vector<std::string> out;
  if (model::get_path(observed, "recording_config.storage_config") == nullptr) return out;
  const json* type = model::get_path(body, "recording_config.storage_config.type");
  const std::string storage = type != nullptr && type->is_string() ? type->get<std::string>() : "";
  bool supplies_any = false;
  std::vector<std::string> missing_known, missing;
  for (const Field* f : model::children(Resource::Meeting, "recording_config.storage_config")) {
    if (!f->has(model::kWriteOnly) || !f->used_by_storage(storage)) continue;
    std::string path(f->path);
    if (model::get_path(body, path) != nullptr) {
      supplies_any = true;
      continue;
    }
    missing.emplace_back(f->name());
    if (st.digests.count(path) != 0U) missing_known.emplace_back(f->name());
  }
  if (!missing_known.empty()) return missing_known;
  if (st.digests.empty() && !supplies_any) return missing;
  return out;
}

void plan_participants(const model::DesiredMeeting& d, const std::vector<json>* observed,
                       const state::MeetingState* st, const model::SafetyLimits& limits,
                       bool allow_removals, MeetingPlan& mp, Plan& plan) {
  if (!d.participants_managed) return;
  std::map<std::string, const json*> current;
  if (observed != nullptr) {
    for (const auto& p : *observed) current[p.value("custom_participant_id", "")] = &p;
  }
  for (const auto& [cpid, p] : d.participants) {
    auto it = current.find(cpid);
    if (it == current.end()) {
      Operation op{OpKind::AddParticipant,
                   cpid,
                   "",
                   model::body_for(Resource::Participant, p.fields, model::kPost),
                   {},
                   p.token_rotation.value_or(0)};
      model::for_each_leaf(Resource::Participant, op.body, [&](const Field& f, const json& v) {
        op.changes.push_back({std::string(f.path), json(), v, f.has(model::kSecret)});
      });
      mp.ops.push_back(std::move(op));
      continue;
    }
    const json& obs = *it->second;
    Operation edit{OpKind::EditParticipant, cpid, obs.value("id", ""), json::object(), {}, 0};
    model::for_each_leaf(Resource::Participant, p.fields, [&](const Field& f, const json& v) {
      if (!f.accepts(model::kPatch)) return;
      const json* before = model::get_path(obs, f.path);
      if (same_value(f, v, before)) return;
      edit.body[std::string(f.path)] = v;
      edit.changes.push_back({std::string(f.path), before != nullptr ? *before : json(), v, false});
    });
    if (!edit.changes.empty()) mp.ops.push_back(std::move(edit));
    long recorded = 0;
    if (st != nullptr) {
      auto r = st->token_rotations.find(cpid);
      if (r != st->token_rotations.end()) recorded = r->second;
    }
    const bool requested = p.token_rotation && *p.token_rotation > recorded;
    const bool undelivered = st != nullptr && st->undelivered_tokens.count(cpid) != 0U;
    if (requested || undelivered) {
      mp.ops.push_back(Operation{.kind = OpKind::RotateToken,
                                 .participant = cpid,
                                 .participant_id = obs.value("id", ""),
                                 .token_rotation = requested ? *p.token_rotation : 0,
                                 .redeliver = !requested});
    }
  }
  int removals = 0;
  for (const auto& [cpid, obs] : current) {
    if (d.participants.count(cpid) != 0U) continue;
    ++removals;
    mp.ops.push_back(
        Operation{OpKind::RemoveParticipant, cpid, obs->value("id", ""), json::object(), {}, 0});
  }
  const double allowed_share =
      limits.max_participant_removal_percent / 100.0 * static_cast<double>(current.size());
  if (!allow_removals && removals > limits.min_participant_removals && removals > allowed_share) {
    plan.errors.push_back("meeting " + d.key + ": the plan removes " + std::to_string(removals) +
                          " of " + std::to_string(current.size()) +
                          " participants, over the safety limit (" +
                          std::to_string(static_cast<int>(limits.max_participant_removal_percent)) +
                          "% and more than " + std::to_string(limits.min_participant_removals) +
                          "). Check the YAML; if this is intended, pass --allow-removals.");
  }
}

// Unbound meetings by title (a create marker left by an interrupted create is ignored, so
// such a meeting counts under the title it was meant to have).
using TitleIndex = std::map<std::string, std::vector<std::string>>;

TitleIndex unbound_by_title(const PlanInput& in) {
  std::set<std::string> bound;
  for (const auto& [key, st] : in.state.meetings) bound.insert(st.id);
  TitleIndex out;
  for (const auto& s : in.observed.summaries) {
    std::string id = s.value("id", "");
    if (bound.count(id) != 0U) continue;
    const json& title = s.value("title", json());
    if (title.is_string()) out[model::unmarked_title(title.get<std::string>())].push_back(id);
  }
  return out;
}

// Creating a meeting whose exact title already exists unbound is what a second checkout or a
// lost state file would do to every meeting: an error, unless duplicates are allowed.
void check_unbound_same_title(const model::DesiredMeeting& d, const TitleIndex& unbound,
                              MeetingPlan& mp, Plan& plan) {
  const json& title = d.fields.value("title", json());
  if (!title.is_string() || title.get<std::string>().empty()) return;
  auto it = unbound.find(title.get<std::string>());
  if (it == unbound.end()) return;
  std::string ids;
  for (const auto& id : it->second) ids += (ids.empty() ? "" : ", ") + id;
  const std::string shown =
      d.references.count("title") != 0U ? d.references.at("title") : title.get<std::string>();
  if (d.allow_duplicate_title) {
    mp.notes.push_back("a meeting titled \"" + shown + "\" already exists unbound (id " + ids +
                       "); creating another, as allow_duplicate_title says");
    return;
  }
  plan.errors.push_back(
      "meeting " + d.key + ": an unbound meeting titled \"" + shown + "\" already exists (id " +
      ids +
      "), so creating it would make a duplicate (another checkout or a lost state file?). "
      "Bind the existing one with `rtksync import " +
      d.key + " " + it->second.front() +
      "`, or set `allow_duplicate_title: true` on the meeting (or in the project's defaults) to "
      "create another.");
}

void plan_create(const model::DesiredMeeting& d, const PlanInput& in, const TitleIndex& unbound,
                 MeetingPlan& mp, Plan& plan) {
  mp.action = MeetingAction::Create;
  Operation create{OpKind::CreateMeeting,
                   "",
                   "",
                   model::body_for(Resource::Meeting, d.fields, model::kPost),
                   {},
                   0};
  model::for_each_leaf(Resource::Meeting, create.body, [&](const Field& f, const json& v) {
    create.changes.push_back({std::string(f.path), json(), v, f.has(model::kSecret)});
  });
  put_references(create.body, d);
  mp.ops.push_back(std::move(create));
  if (d.fields.value("status", "ACTIVE") == "INACTIVE") {  // POST cannot set status
    mp.ops.push_back(Operation{OpKind::UpdateMeeting,
                               "",
                               "",
                               json{{"status", "INACTIVE"}},
                               {{"status", "ACTIVE", "INACTIVE", false}},
                               0});
  }
  plan_participants(d, nullptr, nullptr, in.project.limits, in.allow_removals, mp, plan);
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

void plan_existing(const model::DesiredMeeting& wanted, const state::MeetingState& st,
                   const PlanInput& in, MeetingPlan& mp, Plan& plan) {
  mp.id = st.id;
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
  const auto unmarked = without_marker(wanted, observed);
  const model::DesiredMeeting& d = unmarked ? *unmarked : wanted;
  MeetingDiff diff = diff_meeting(d, observed, st, in.state.salt);
  if (!diff.needs_put.empty()) {
    json desired = d.fields;
    desired.erase("status");
    json body = replace_body(desired, observed);
    auto erased = erased_credentials(body, observed, st);
    if (!erased.empty()) {
      std::string names;
      for (const auto& n : erased) names += (names.empty() ? "" : ", ") + n;
      plan.errors.push_back("meeting " + d.key +
                            ": this change needs a PUT of recording_config, "
                            "which would erase the stored storage credentials (" +
                            names +
                            ") because the YAML does not supply them. Add them under "
                            "recording_config.storage_config as ${env:...} references, or "
                            "revert the change.");
      return;
    }
    put_references(body, d);
    mp.action = MeetingAction::Replace;
    std::vector<FieldChange> changes = diff.needs_put;
    FieldChange status_change;
    for (auto& c : diff.patchable) {
      if (c.path == "status")
        status_change = c;
      else
        changes.push_back(c);
    }
    mp.ops.push_back(Operation{OpKind::ReplaceMeeting, "", "", body, changes, 0});
    if (diff.status_changed) {
      mp.ops.push_back(Operation{OpKind::UpdateMeeting,
                                 "",
                                 "",
                                 json{{"status", status_change.after}},
                                 {status_change},
                                 0});
    }
  } else if (!diff.patchable.empty()) {
    mp.action = MeetingAction::Update;
    json body = json::object();
    for (const auto& c : diff.patchable) {
      std::string top = top_of(c.path);
      json desired_top = top == "status" ? c.after : d.fields[top];
      body[top] = observed.contains(top) ? overlay(observed[top], desired_top) : desired_top;
    }
    put_references(body, d);
    mp.ops.push_back(Operation{OpKind::UpdateMeeting, "", "", body, diff.patchable, 0});
  }
  auto people = in.observed.participants.find(st.id);
  plan_participants(d, people == in.observed.participants.end() ? nullptr : &people->second, &st,
                    in.project.limits, in.allow_removals, mp, plan);
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
  if (summary->value("status", "ACTIVE") == "INACTIVE") return;
  mp.action = MeetingAction::Deactivate;
  mp.title = summary->value("title", "");
  mp.ops.push_back(Operation{OpKind::DeactivateMeeting,
                             "",
                             "",
                             json{{"status", "INACTIVE"}},
                             {{"status", summary->value("status", "ACTIVE"), "INACTIVE", false}},
                             0});
}

void fingerprint(const MeetingPlan& mp, const model::Observed& observed, Plan& plan) {
  if (mp.id.empty()) return;
  Fingerprint fp{mp.id, "", ""};
  if (const json* s = find_summary(observed, mp.id)) fp.updated_at = s->value("updated_at", "");
  auto people = observed.participants.find(mp.id);
  if (people != observed.participants.end())
    fp.participants_digest = participants_digest(people->second);
  plan.fingerprints[mp.key] = fp;
}

}  // namespace

bool same_value(const Field& field, const json& desired, const json* observed) {
  if (observed == nullptr || observed->is_null()) return desired.is_null();
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
  if (in.desired.meetings.empty() && managed > 0) {
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
  std::vector<std::string> deactivated;
  for (const auto& key : keys) {
    MeetingPlan mp;
    mp.key = key;
    auto d = in.desired.meetings.find(key);
    const state::MeetingState* st = in.state.find(key);
    if (d != in.desired.meetings.end()) {
      plan.protect[key] = d->second.protect;
      mp.title = d->second.fields.value("title", "");
      if (st == nullptr) {
        plan_create(d->second, in, unbound, mp, plan);
      } else {
        plan_existing(d->second, *st, in, mp, plan);
      }
    } else if (!st->deactivated) {
      plan_deactivate(key, *st, in, mp, plan);
      if (mp.action == MeetingAction::Deactivate) deactivated.push_back(key);
    }
    if (mp.ops.empty() && mp.notes.empty()) continue;
    fingerprint(mp, in.observed, plan);
    plan.meetings.push_back(std::move(mp));
  }
  if (!in.allow_removals &&
      static_cast<int>(deactivated.size()) > in.project.limits.max_deactivations) {
    std::string names;
    for (const auto& k : deactivated) names += (names.empty() ? "" : ", ") + k;
    plan.errors.push_back("the plan deactivates " + std::to_string(deactivated.size()) +
                          " meetings (" + names + "), over the safety limit of " +
                          std::to_string(in.project.limits.max_deactivations) +
                          ". If this is intended, pass --allow-removals.");
  }
  plan.counts = count_operations(plan.meetings);
  return plan;
}

}  // namespace rtk::plan
