// model/iso_time: timestamps in the API's ISO 8601 form, "2026-11-21T07:51:20.123Z".
#pragma once

#include <cstdint>
#include <string>

namespace rtk::model {

int64_t now_ms();
std::string iso_time(int64_t epoch_ms);

}  // namespace rtk::model
