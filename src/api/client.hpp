// api/client: the libcurl implementation of api::Api: paging, a bound on requests in flight,
// the token bucket, retries with backoff and jitter, the error envelopes, and call accounting.
// Thread-safe: call it from many threads.
//
// Two rules make it safe against the real network:
// - A request that is not idempotent (POST create, POST add participant) is sent at most once:
//   it goes out on a fresh connection (so libcurl cannot silently re-send it on a reused one
//   that died), and it is never retried once it may have left. Its failure is OutcomeUnknown;
//   the caller resolves that by looking, never by sending again.
// - One deadline (ClientOptions::deadline) bounds a request's whole life: every attempt, the
//   backoff between attempts and any Retry-After wait. Only the wait for the rate budget before
//   the first attempt is outside it (that is queueing, reported by the limiter).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "api/http_transport.hpp"
#include "api/rate_limiter.hpp"

namespace rtk::api {

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
  std::chrono::milliseconds deadline{30000};  // a request's whole life, retries included
  bool insecure = false;
  int per_page = 100;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_max{8000};
  Clock* clock = nullptr;  // nullptr: the system clock. Every wait and deadline reads it.
  // Called when the request budget makes a request wait more than a second.
  std::function<void(std::chrono::seconds wait)> on_budget_wait;
};

// Whether sending a request twice could have an effect twice.
enum class Idempotency { Idempotent, SendAtMostOnce };

class Client final : public Api {
 public:
  explicit Client(ClientOptions options);

  ApiResult<std::vector<json>> list_meetings(const ListQuery& q) override;
  ApiResult<std::vector<json>> list_meetings() { return list_meetings(ListQuery{}); }
  ApiResult<json> get_meeting(const std::string& id) override;
  ApiResult<json> create_meeting(const json& body) override;
  ApiResult<json> patch_meeting(const std::string& id, const json& body) override;
  ApiResult<json> put_meeting(const std::string& id, const json& body) override;

  ApiResult<std::vector<json>> list_participants(const std::string& meeting_id) override;
  ApiResult<json> add_participant(const std::string& meeting_id, const json& body) override;
  ApiResult<json> get_participant(const std::string& meeting_id, const std::string& pid);
  ApiResult<json> edit_participant(const std::string& meeting_id, const std::string& pid,
                                   const json& body) override;
  ApiResult<json> delete_participant(const std::string& meeting_id,
                                     const std::string& pid) override;
  ApiResult<json> refresh_token(const std::string& meeting_id, const std::string& pid) override;

  [[nodiscard]] CallStats stats() const override;
  [[nodiscard]] int parallelism() const override { return options_.parallelism; }
  [[nodiscard]] const ClientOptions& options() const { return options_; }

 private:
  struct Call {
    std::string method;
    std::string route;  // template, for accounting
    std::string path;   // below the app prefix, query included
    std::string body;
    Idempotency idempotency = Idempotency::Idempotent;
  };
  enum class Answer { Data, Envelope };
  // One request with retries, within the deadline; returns the success envelope's "data"
  // (null when the answer has none), or the whole envelope for paging.
  ApiResult<json> send(const Call& call, Answer answer = Answer::Data);
  ApiResult<std::vector<json>> list_all(const std::string& route, const std::string& path,
                                        const std::string& extra_query);
  std::chrono::milliseconds backoff(int attempt);
  void count(const std::string& route, bool retry);

  ClientOptions options_;
  Clock& clock_;
  std::string prefix_;
  HttpTransport transport_;
  RateLimiter limiter_;
  std::counting_semaphore<1024> in_flight_;
  mutable std::mutex stats_mu_;
  CallStats stats_;
};

// Runs fn(i) for i in [0, n) on up to `parallelism` threads; returns when all are done.
// Called from inside one of its own workers (a participant list's pages fetched while
// meetings are fetched in parallel), it runs in that worker: pools never nest.
void parallel_for(size_t n, int parallelism, const std::function<void(size_t)>& fn);

}  // namespace rtk::api
