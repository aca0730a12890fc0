// plan/changes: the pieces the meeting and participant diffs share: a change as people see
// it (secrets and referenced values masked), the changes a create makes, reference texts put
// back into bodies, and the overlay of desired on observed objects.
#pragma once

#include <string>
#include <vector>

#include "model/desired.hpp"
#include "model/field_table.hpp"
#include "plan/plan.hpp"

namespace rtk::plan {

// Observed object (objects merge; desired wins), so unmanaged nested values are kept.
json overlay(const json& observed, const json& desired);
// Puts the reference texts back where the body carries values that came from references:
// bodies are saved in plan files and resolved again only when sent.
void put_references(json& body, const model::References& references);
// A change to a value of an existing object. Secrets and referenced values never carry what
// they were or will be: "(sensitive)" before, the reference text (or "(sensitive)") after.
FieldChange change_of(const model::Field& f, const json* before, const json& after,
                      const model::References& refs);
// The changes a create or add makes: one per leaf of its body (references already put back).
std::vector<FieldChange> creation_changes(model::Resource r, const json& body,
                                          const model::References& refs);
// "a, b, c".
std::string joined(const std::vector<std::string>& items);

}  // namespace rtk::plan
