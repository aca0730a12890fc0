// emulator/request_rules: the emulator's reading of requests and its write semantics, as
// the contract states them: bodies validated per verb with the field table, null as absent,
// PUT replacing every replaceable field, PATCH replacing (or, under the patch-merge quirk,
// merging) top-level fields, paging parameters and list filters typed strictly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "emulator/store.hpp"
#include "model/field_table.hpp"

namespace rtk::emulator {

bool is_uuid(const std::string& s);
std::string lower(std::string s);
Reply ok(json data, int status = 200);
// Parses a JSON body and validates it for a verb; on failure fills err.
bool parse_body(const std::string& text, model::Resource r, model::Verb verb, json& out,
                Reply& err);
// PUT semantics: every replaceable field takes the body's value or returns to its default.
void replace_fields(model::Resource r, json& object, const json& body);
// PATCH semantics: the given top-level fields are replaced (nested objects as a whole, or
// merged when deep: the patch-merge quirk); a null clears an optional field.
void merge_top_level(model::Resource r, json& object, const json& body, bool deep);
// Top-level defaults a new meeting starts with (POST ignores status: always ACTIVE).
json new_meeting_defaults();
// A paging parameter (number, minimum 0; 0 and absence mean the fallback).
bool parse_paging(const Query& q, const std::string& key, int fallback, int& out);

// The list filters the contract declares, checked as strictly as it types them.
struct MeetingFilter {
  std::string search;
  std::string status;
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
};
// An error message, or nullopt when the query's filters are valid.
std::optional<std::string> parse_filter(const Query& q, MeetingFilter& f);
bool matches(const MeetingFilter& f, const std::string& id, const json& m);
// Whether a top-level scalar differs (the coarse-updated-at quirk moves updated_at only then).
bool top_level_scalars_differ(const json& a, const json& b);

}  // namespace rtk::emulator
