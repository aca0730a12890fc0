// tests/support/json_types: the JSON Schema type a field table kind stands for, written
// independently of src/ so that tests comparing the table with a schema have their own oracle.
#pragma once

#include <string>

#include "model/field_table.hpp"

namespace rtk::testing {

inline std::string json_type(model::Kind k) {
  switch (k) {
    case model::Kind::Bool:
      return "boolean";
    case model::Kind::Integer:
      return "integer";
    case model::Kind::Number:
      return "number";
    case model::Kind::String:
    case model::Kind::Enum:
      return "string";
    case model::Kind::StringList:
      return "array";
    case model::Kind::Object:
      return "object";
  }
  return "?";
}

}  // namespace rtk::testing
