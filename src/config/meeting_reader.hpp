// config/meeting_reader: a meeting file's YAML to meetings of the desired state: the fields
// through the field table (with the project's defaults under them), participants, import_id,
// the table's local flags (protect, allow_duplicate_title), cross-field rules, and duplicate
// keys. Every problem is a diagnostic with its position.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_fields.hpp"
#include "model/desired.hpp"

namespace rtk::config {

void read_meetings_doc(const YAML::Node& doc, const FileContext& ctx, const FieldSink& defaults,
                       model::DesiredState& desired);

}  // namespace rtk::config
