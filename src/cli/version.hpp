// cli/version: the tool version (also in User-Agent and saved plans).
#pragma once

namespace rtk::cli {
inline constexpr const char* kVersion = RTKSYNC_VERSION;
}
