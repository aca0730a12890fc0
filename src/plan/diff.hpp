// plan/diff: the planner. Pure: desired + observed + state -> Plan. No I/O, so every rule
// (create, update, replace, deactivate, participants, safety limits, protect) is tested
// exhaustively without a network.
#pragma once

#include <set>
#include <string>

#include "model/desired.hpp"
#include "model/field_table.hpp"
#include "model/observed.hpp"
#include "plan/plan.hpp"
#include "state/state.hpp"

namespace rtk::plan {

// What the person running plan or apply allows beyond the safety limits.
struct Overrides {
  bool allow_removals = false;    // deactivations, participant removals, protected meetings
  bool allow_updates = false;     // mass updates over limits.max_update_percent
  std::set<std::string> targets;  // --target: plan only these keys (empty: every key)
};

struct PlanInput {
  const model::Project& project;
  const model::DesiredState& desired;
  const model::Observed& observed;
  const state::State& state;
  Overrides overrides;
};

Plan build_plan(const PlanInput& in);

// Semantic equality of a desired value and an observed one for a field: numbers by value,
// keyword lists as sets; nullptr (absent) equals nothing.
bool same_value(const model::Field& field, const json& desired, const json* observed);

}  // namespace rtk::plan
