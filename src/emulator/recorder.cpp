#include "emulator/recorder.hpp"

namespace rtk::emulator {

nlohmann::json exchange_json(const Exchange& e) {
  nlohmann::json response = nullptr;
  if (!e.response_body.empty()) {
    response = nlohmann::json::parse(e.response_body, nullptr, false);
    if (response.is_discarded()) response = e.response_body;  // kept as text: not JSON
  }
  return nlohmann::json{{"method", e.method},
                        {"route", e.route},
                        {"path", e.path},
                        {"query", e.query},
                        {"content_type", e.content_type},
                        {"user_agent", e.user_agent},
                        {"request_body", e.request_body},
                        {"outcome", e.outcome},
                        {"status", e.status},
                        {"response_body", response}};
}

Recorder::Recorder(const std::string& path) : path_(path) {
  if (!path_.empty()) out_.open(path_, std::ios::app);
}

void Recorder::record(const Exchange& e) {
  if (path_.empty()) return;
  std::string line =
      exchange_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mu_);
  out_ << line << '\n';
  out_.flush();  // a test may read the file while the emulator runs
}

}  // namespace rtk::emulator
