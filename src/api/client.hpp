// api/client: the typed RealtimeKit client: seed 001's eleven endpoints over the transport,
// with paging, a bound on requests in flight, the token bucket, retries with backoff and
// jitter, the error envelopes, and call accounting. Thread-safe: call it from many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.hpp"
#include "api/http_transport.hpp"
#include "api/rate_limiter.hpp"

namespace rtk::api {

using json = nlohmann::json;

inline constexpr const char* kDefaultBaseUrl = "https://api.cloudflare.com/client/v4";

struct ClientOptions {
  std::string base_url = kDefaultBaseUrl;
  std::string token;
  std::string account_id;
  std::string app_id;
  int parallelism = 8;
  int max_retries = 5;
  double rate_budget = 1200;
  double rate_window_s = 300;
  long timeout_s = 30;
  bool insecure = false;
  int per_page = 100;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_max{8000};
};

struct CallStats {
  std::map<std::string, long> calls;  // "GET /meetings/{meeting_id}" -> requests sent
  long total = 0;
  long retries = 0;
};

struct ListQuery {
  std::string search;
  std::string status;
};

class Client {
 public:
  explicit Client(ClientOptions options);

  ApiResult<std::vector<json>> list_meetings(const ListQuery& q = {});
  ApiResult<json> get_meeting(const std::string& id);
  ApiResult<json> create_meeting(const json& body);
  ApiResult<json> patch_meeting(const std::string& id, const json& body);
  ApiResult<json> put_meeting(const std::string& id, const json& body);

  ApiResult<std::vector<json>> list_participants(const std::string& meeting_id);
  ApiResult<json> add_participant(const std::string& meeting_id, const json& body);
  ApiResult<json> get_participant(const std::string& meeting_id, const std::string& pid);
  ApiResult<json> edit_participant(const std::string& meeting_id, const std::string& pid,
                                   const json& body);
  ApiResult<json> delete_participant(const std::string& meeting_id, const std::string& pid);
  ApiResult<json> refresh_token(const std::string& meeting_id, const std::string& pid);

  [[nodiscard]] CallStats stats() const;
  [[nodiscard]] int parallelism() const { return options_.parallelism; }

 private:
  struct Call {
    std::string method;
    std::string route;  // template, for accounting
    std::string path;   // below the app prefix, query included
    std::string body;
    bool idempotent = true;
  };
  // One request with retries; returns the "data" of a success envelope (or the whole
  // envelope when whole_envelope is set, for paging).
  ApiResult<json> send(const Call& call, bool whole_envelope = false);
  ApiResult<std::vector<json>> list_all(const std::string& route, const std::string& path,
                                        const std::string& extra_query);
  std::chrono::milliseconds backoff(int attempt);
  void count(const std::string& route, bool retry);

  ClientOptions options_;
  std::string prefix_;
  HttpTransport transport_;
  RateLimiter limiter_;
  std::counting_semaphore<1024> in_flight_;
  mutable std::mutex stats_mu_;
  CallStats stats_;
};

// Runs fn(i) for i in [0, n) on up to `parallelism` threads; returns when all are done.
void parallel_for(size_t n, int parallelism, const std::function<void(size_t)>& fn);

}  // namespace rtk::api
