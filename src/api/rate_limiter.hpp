// api/rate_limiter: a client-side token bucket sized to the API's budget (Cloudflare:
// 1,200 requests per 300 s per token). Bursts up to the whole budget are allowed; after a
// 429 the bucket is closed until the server's Retry-After has passed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace rtk::api {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double budget, double window_s);

  // Blocks until a request may be sent.
  void acquire();
  // Nothing is sent before now + delay (a 429's Retry-After).
  void pause_for(std::chrono::milliseconds delay);

 private:
  double capacity_;
  double refill_per_s_;
  double tokens_;
  Clock::time_point last_;
  Clock::time_point paused_until_;
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace rtk::api
