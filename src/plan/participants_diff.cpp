#include "plan/participants_diff.hpp"

#include <map>

#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "plan/changes.hpp"

namespace rtk::plan {

using model::Field;
using model::Resource;

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
      Operation op{.kind = OpKind::AddParticipant,
                   .participant = cpid,
                   .body = model::body_for(Resource::Participant, p.fields, model::kPost),
                   .token_rotation = p.token_rotation.value_or(0)};
      put_references(op.body, p.references);
      op.changes = creation_changes(Resource::Participant, op.body, p.references);
      mp.ops.push_back(std::move(op));
      continue;
    }
    const json& obs = *it->second;  // participants are always listed fresh: compare values
    Operation edit{.kind = OpKind::EditParticipant,
                   .participant = cpid,
                   .participant_id = obs.value("id", "")};
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
    if (d.participants.count(cpid) != 0U || d.participants_additive) continue;
    ++removals;
    removed.push_back(cpid);
    mp.ops.push_back(Operation{.kind = OpKind::RemoveParticipant,
                               .participant = cpid,
                               .participant_id = obs->value("id", "")});
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

}  // namespace rtk::plan
