// model/iso_time: timestamps in the API's ISO 8601 form, "2026-11-21T07:51:20.123Z".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtk::model {

int64_t now_ms();
std::string iso_time(int64_t epoch_ms);
// Milliseconds since the epoch of an RFC 3339 date-time ("2026-11-21T07:51:20.123Z",
// "2026-11-21T09:51:20+02:00"); nullopt when the text is not one.
std::optional<int64_t> parse_iso_time(std::string_view text);

}  // namespace rtk::model
