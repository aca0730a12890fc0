// cli/logging: the log on stderr (spdlog): --log-level, and --log-format text ("warn: ...")
// or json (one object a line: time, level, message). Logs never carry secrets: the API
// client redacts what it logs (api/redact).
#pragma once

#include <cxxopts.hpp>

#include "model/result.hpp"

namespace rtk::cli {

// The default logger, before any flag is read: text, warnings and worse.
void start_logging();
// Applies --log-level and --log-format; an unknown value is an error, never "off".
Result<Unit> configure_logging(const cxxopts::ParseResult& args);

}  // namespace rtk::cli
