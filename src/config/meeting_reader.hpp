// config/meeting_reader: a meeting file's YAML to meetings of the desired state: the fields
// through the field table (with the project's defaults under them), participants, import_id,
// the table's local flags (protect, allow_duplicate_title), cross-field rules, and duplicate
// keys. Every problem is a diagnostic with its position.
#pragma once

#include <string_view>

#include "config/yaml_fields.hpp"
#include "model/desired.hpp"

namespace rtk::config {

// Reads one meeting file's text (it passes the syntax gate first). Each meeting is read as
// soon as the parser completes it, so memory follows the largest meeting, not the file.
void read_meetings_file(std::string_view text, const FileContext& ctx, const FieldSink& defaults,
                        model::DesiredState& desired);

}  // namespace rtk::config
