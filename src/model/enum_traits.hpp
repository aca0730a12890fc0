// model/enum_traits: one table per enum, and one way to read a name back. An enum's table
// lists every value once with its name (and whatever else describes it); to_string and
// parse_enum both read that table, so the two directions cannot disagree.
#pragma once

#include <optional>
#include <string_view>

namespace rtk::model {

// The row of table whose value is v (every value has one: the tables are complete).
template <class Table, class E>
const auto& traits_of(const Table& table, E v) {
  for (const auto& row : table) {
    if (row.value == v) return row;
  }
  return table.front();  // unreachable while the table lists every value
}

// The value named name, or nullopt: an unknown name is the caller's error to report.
template <class Table>
auto parse_enum(const Table& table, std::string_view name)
    -> std::optional<decltype(table.front().value)> {
  for (const auto& row : table) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

}  // namespace rtk::model
