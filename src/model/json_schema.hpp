// model/json_schema: the JSON Schema of meeting files, generated from the field table
// (for editors: yaml-language-server and friends).
#pragma once

#include "model/json_path.hpp"

namespace rtk::model {

json meeting_file_schema();
// One meeting's fields from the table, without the keys only a meeting file has
// (participants, import_id): what the project file's `defaults:` accepts.
json meeting_fields_schema();

}  // namespace rtk::model
