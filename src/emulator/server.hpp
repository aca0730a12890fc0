// emulator/server: the HTTP face of the emulator. Routes the contract's operations to the
// Store, checks bearer auth and content type, injects faults (latency, 5xx, 429, dropped
// connections), counts calls per route template, records exchanges (--record), and serves
// the /__emulator admin routes.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "emulator/recorder.hpp"
#include "emulator/store.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace rtk::emulator {

struct Faults {
  int latency_ms = 0;
  double error_rate = 0;  // share of API requests answered 5xx
  double drop_rate = 0;   // share of API requests whose connection is closed unanswered
  int rate_limit = 0;     // requests per window; 0 = unlimited
  int rate_window_s = 1;
};

struct ServerOptions {
  std::string token = "dev-token";
  Faults faults;
  uint64_t seed = 1;
  std::string record_path;  // --record: append every API exchange here as a JSON line
};

class Server {
 public:
  Server(ServerOptions options, Store& store);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds 127.0.0.1:port (0 = a free port); returns the bound port or -1.
  int bind(int port);
  // Serves until stop(); blocking.
  void serve();
  void stop();
  [[nodiscard]] bool recording_ok() const { return recorder_.ok(); }

 private:
  struct FaultDecision {
    bool drop = false;
    bool error = false;
    bool after = false;  // the fault strikes after the request was processed
  };
  void install_routes();
  FaultDecision decide_faults();
  int rate_limited_retry_after();
  void count(const std::string& route, const std::string& outcome);
  void record(const httplib::Request& req, const std::string& method, const std::string& route,
              const std::string& body, const httplib::Response& res, const std::string& outcome);
  std::string stats_json();

  ServerOptions options_;
  Store& store_;
  std::unique_ptr<httplib::Server> http_;
  Recorder recorder_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  std::map<std::string, std::map<std::string, long>> calls_;  // route -> outcome -> count
  int listen_fd_ = -1;
  long window_start_s_ = 0;
  int window_count_ = 0;
};

}  // namespace rtk::emulator
