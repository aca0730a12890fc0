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

// Puts the reference texts back where the body carries values that came from references:
// bodies are saved in plan files and resolved again only when sent.
void put_references(json& body, const model::References& references) {
  for (const auto& [path, ref] : references) {
    if (model::get_path(body, path) != nullptr) model::set_path(body, path, ref);
  }
}

// A create has nothing to remove: a null in the YAML just means "not set".
json without_nulls(const json& value) {
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [k, v] : value.items()) {
    if (!v.is_null()) out[k] = without_nulls(v);
  }
  return out;
}

const std::string* reference_of(const model::References& refs, const std::string& path) {
  auto it = refs.find(path);
  return it == refs.end() ? nullptr : &it->second;
}

// A change to a value of an existing object. Secrets and referenced values never carry what
// they were or will be: "(sensitive)" before, the reference text (or "(sensitive)") after.
FieldChange change_of(const Field& f, const json* before, const json& after,
                      const model::References& refs) {
  const std::string path(f.path);
  const std::string* ref = reference_of(refs, path);
  const bool sensitive = f.has(model::kSecret) || ref != nullptr;
  FieldChange c{path, before != nullptr ? *before : json(), after, sensitive, ""};
  if (sensitive) c.before = model::kSensitive;
  if (ref != nullptr) {
    c.reference = *ref;
    c.after = *ref;
  } else if (sensitive) {
    c.after = model::kSensitive;
  }
  return c;
}

// The changes a create or add makes: one per leaf of its body (references already put back).
std::vector<FieldChange> creation_changes(Resource r, const json& body,
                                          const model::References& refs) {
  std::vector<FieldChange> out;
  model::for_each_leaf(r, body, [&](const Field& f, const json& v) {
    FieldChange c = change_of(f, nullptr, v, refs);
    c.before = json();
    out.push_back(std::move(c));
  });
  return out;
}

bool digest_matches(const state::MeetingState& st, const std::string& salt, const std::string& path,
                    const json& value) {
  auto it = st.digests.find(path);
  return it != st.digests.end() &&
         it->second == model::secret_digest(
                           salt, path, value.is_string() ? value.get<std::string>() : value.dump());
}

std::string top_of(const std::string& path) {
  return path.substr(0, path.find('.'));
}

struct MeetingDiff {
  std::vector<FieldChange> patchable;  // changes a PATCH can make (status included)
  std::vector<FieldChange> needs_put;  // recording_config and write-only changes
  bool status_changed = false;
};

// Calls fn for every managed value of desired: each leaf, and each object set to null (a
// removal; what lies below a null is not visited).
void for_each_managed(const json& desired,
                      const std::function<void(const Field&, const json&)>& fn) {
  for (const auto& f : model::fields(Resource::Meeting)) {
    if (f.has(model::kLocal)) continue;
    const json* v = model::get_path(desired, f.path);
    if (v == nullptr || (f.kind == model::Kind::Object && !v->is_null())) continue;
    fn(f, *v);
  }
}

MeetingDiff diff_meeting(const model::DesiredMeeting& d, const json& observed,
                         const state::MeetingState& st, const std::string& salt) {
  MeetingDiff out;
  json desired = d.fields;
  if (st.deactivated && !desired.contains("status")) desired["status"] = "ACTIVE";  // undo ours
  for_each_managed(desired, [&](const Field& f, const json& value) {
    std::string path(f.path);
    const json* fresh = model::get_path(observed, path);
    const bool secret = f.has(model::kSecret) || d.references.count(path) != 0U;
    FieldChange c = change_of(f, fresh, value, d.references);
    if (secret && (f.has(model::kWriteOnly) || fresh == nullptr)) {
      // Never returned (write-only), or kept out of the state's cached copy: by digest.
      if (digest_matches(st, salt, path, value)) return;
    } else if (same_value(f, value, fresh)) {
      return;
    }
    const Field* top = model::find_field(Resource::Meeting, top_of(path));
    // A removal goes by PATCH only where PATCH takes null; else by PUT, which replaces all
    // the details (so what it omits is removed, whether PATCH replaces or merges objects).
    bool removal = value.is_null();
    if (top != nullptr && top->accepts(model::kPatch) &&
        (!removal || f.accepts_null(model::kPatch))) {
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
  const json* sent = model::get_path(body, "recording_config.storage_config");
  if (sent == nullptr || sent->is_null()) return out;  // the YAML removes it: nothing to keep
  const json* type = model::get_path(body, "recording_config.storage_config.type");
  const std::string storage = type != nullptr && type->is_string() ? type->get<std::string>() : "";
  bool knows_nothing = true;  // no digest of any secret: rtksync never set credentials here
  for (const auto& [path, digest] : st.digests) {
    const Field* f = model::find_field(Resource::Meeting, path);
    if (f != nullptr && f->has(model::kSecret)) knows_nothing = false;
  }
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
  if (knows_nothing && !supplies_any) return missing;
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void plan_participants(const model::DesiredMeeting& d, const std::vector<json>* observed,
                       const state::MeetingState* st, const PlanInput& in, MeetingPlan& mp,
                       Plan& plan) {
  const model::SafetyLimits& limits = in.project.limits;
  const bool allow_removals = in.overrides.allow_removals;
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
      put_references(op.body, p.references);
      op.changes = creation_changes(Resource::Participant, op.body, p.references);
      mp.ops.push_back(std::move(op));
      continue;
    }
    const json& obs = *it->second;  // participants are always listed fresh: compare values
    Operation edit{OpKind::EditParticipant, cpid, obs.value("id", ""), json::object(), {}, 0};
    const model::References& refs = p.references;
    model::for_each_leaf(Resource::Participant, p.fields, [&](const Field& f, const json& v) {
      if (!f.accepts(model::kPatch)) return;
      const json* before = model::get_path(obs, f.path);
      if (same_value(f, v, before)) return;
      edit.body[std::string(f.path)] = v;
      edit.changes.push_back(change_of(f, before, v, refs));
    });
    put_references(edit.body, p.references);
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
  std::vector<std::string> removed;
  for (const auto& [cpid, obs] : current) {
    if (d.participants.count(cpid) != 0U) continue;
    ++removals;
    removed.push_back(cpid);
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
  if (!allow_removals && d.protect && removals > 0) {
    plan.errors.push_back("meeting " + d.key + " is protected and the plan removes " +
                          std::to_string(removals) +
                          (removals == 1 ? " participant (" : " participants (") + joined(removed) +
                          "). If this is intended, pass --allow-removals.");
  }
}

// Whether the meeting is in service now and the plan sets it INACTIVE.
bool takes_out_of_service(const MeetingDiff& diff, const model::DesiredMeeting& d,
                          const json& observed) {
  if (!diff.status_changed) return false;
  const json* now = model::get_path(observed, "status");
  const bool active = now == nullptr || !now->is_string() || *now != "INACTIVE";
  return active && d.fields.value("status", "") == "INACTIVE";
}

// The title as it may be printed: its reference text when it came from one.
std::string shown_title(const model::DesiredMeeting& d) {
  json t = d.shown("title");
  return t.is_string() ? t.get<std::string>() : "";
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
  if (!d.import_id.empty()) {  // exported from an existing meeting: bind it, never duplicate it
    plan.errors.push_back("meeting " + d.key + " names import_id " + d.import_id +
                          " but is not bound to it: run `rtksync import --by-title` (or "
                          "`rtksync import " +
                          d.key + " " + d.import_id +
                          "`) first, or remove import_id to create a "
                          "new meeting.");
    return;
  }
  const json& title = d.fields.value("title", json());
  if (!title.is_string() || title.get<std::string>().empty()) return;
  auto it = unbound.find(title.get<std::string>());
  if (it == unbound.end()) return;
  std::string ids;
  for (const auto& id : it->second) ids += (ids.empty() ? "" : ", ") + id;
  const std::string shown = shown_title(d);
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
  Operation create{OpKind::CreateMeeting,
                   "",
                   "",
                   without_nulls(model::body_for(Resource::Meeting, d.fields, model::kPost)),
                   {},
                   0};
  put_references(create.body, d.references);
  create.changes = creation_changes(Resource::Meeting, create.body, d.references);
  mp.ops.push_back(std::move(create));
  if (d.fields.value("status", "ACTIVE") == "INACTIVE") {  // POST cannot set status
    const json active = "ACTIVE";
    const FieldChange c = change_of(*model::find_field(Resource::Meeting, "status"), &active,
                                    "INACTIVE", d.references);
    mp.ops.push_back(Operation{OpKind::UpdateMeeting, "", "", json{{"status", c.after}}, {c}, 0});
  }
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
  const auto unmarked = without_marker(wanted, observed);
  const model::DesiredMeeting& d = unmarked ? *unmarked : wanted;
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
    body = model::body_for(Resource::Meeting, body, model::kPatch);  // no-op removals inside
    put_references(body, d.references);
    mp.ops.push_back(Operation{OpKind::UpdateMeeting, "", "", body, diff.patchable, 0});
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
  if (summary->value("status", "ACTIVE") == "INACTIVE") return;
  mp.action = MeetingAction::Deactivate;
  auto referenced = in.state.referenced.find(key);
  const bool secret_title =
      st.digests.count("title") != 0U ||
      (referenced != in.state.referenced.end() && referenced->second.count("title") != 0U);
  mp.title = secret_title ? model::kSensitive : model::string_at(*summary, "title");
  mp.ops.push_back(
      Operation{OpKind::DeactivateMeeting,
                "",
                "",
                json{{"status", "INACTIVE"}},
                {{"status", summary->value("status", "ACTIVE"), "INACTIVE", false, ""}},
                0});
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
  plan.counts = count_operations(plan.meetings);
  return plan;
}

}  // namespace rtk::plan
