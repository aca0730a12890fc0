#include "cli/logging.hpp"

#include <chrono>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace rtk::cli {
namespace {

std::string level_name(spdlog::level::level_enum level) {
  const auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

// One JSON object a line; the message is escaped as JSON, whatever it holds.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const nlohmann::json line{{"time_ms", ms},
                              // A string: nlohmann reads spdlog's string_view as bytes.
                              {"level", level_name(msg.level)},
                              {"message", std::string(msg.payload.data(), msg.payload.size())}};
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void start_logging() {
  auto logger = spdlog::stderr_color_mt("rtksync");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(spdlog::level::warn);
}

Result<Unit> configure_logging(const cxxopts::ParseResult& args) {
  const auto level_text = args["log-level"].as<std::string>();
  const auto level = spdlog::level::from_str(level_text);
  if (level == spdlog::level::off && level_text != "off") {
    return Error{"--log-level must be trace, debug, info, warn, error or off, got " + level_text};
  }
  const auto format = args["log-format"].as<std::string>();
  if (format == "json") {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else if (format != "text") {
    return Error{"--log-format must be text or json, got " + format};
  }
  spdlog::set_level(level);
  return Unit{};
}

}  // namespace rtk::cli
