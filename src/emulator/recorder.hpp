// emulator/recorder: `--record FILE` appends every API exchange as one JSON line (method,
// route template, path, query, request headers and body, status, response body), so a
// contract checker can validate what clients sent and what the emulator answered.
#pragma once

#include <fstream>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace rtk::emulator {

struct Exchange {
  std::string method;
  std::string route;  // template, e.g. "/meetings/{meeting_id}"
  std::string path;
  nlohmann::json query = nlohmann::json::object();
  std::string content_type;
  std::string user_agent;
  std::string request_body;
  std::string outcome;  // "200", "503-after-processing", "dropped", ...
  int status = 0;       // 0 when the connection was dropped unanswered
  std::string response_body;
};

// The JSON line for one exchange (the response body parsed when it is JSON).
nlohmann::json exchange_json(const Exchange& e);

class Recorder {
 public:
  // An empty path records nothing. Appends to an existing file.
  explicit Recorder(const std::string& path);
  [[nodiscard]] bool ok() const { return path_.empty() || out_.good(); }
  void record(const Exchange& e);

 private:
  std::string path_;
  std::mutex mu_;
  std::ofstream out_;
};

}  // namespace rtk::emulator
