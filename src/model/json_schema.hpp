// model/json_schema: the JSON Schema of meeting files, generated from the field table
// (for editors: yaml-language-server and friends).
#pragma once

#include "model/json_path.hpp"

namespace rtk::model {

json meeting_file_schema();

}  // namespace rtk::model
