// api/rate_limiter: keeps the client inside the API's request budget (Cloudflare: 1,200
// requests per 300 s per token; past it, 429 and a block for the rest of the window). A sliding
// window, not a token bucket: a request is given a send time at which fewer than `budget`
// requests were sent in the `window` before it, so no window of that length ever holds more
// than the budget, retries included. After a 429 nothing is sent before its Retry-After.
//
// Time is injected: reserve() is pure bookkeeping over the clock's now(), and acquire() sleeps
// on the clock until the reserved time, so tests run instantly on a fake clock.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace rtk::api {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  Clock(Clock&&) = delete;
  Clock& operator=(Clock&&) = delete;

  [[nodiscard]] virtual TimePoint now() const = 0;
  virtual void sleep_until(TimePoint t) = 0;
};

// The steady clock and a real sleep.
Clock& system_clock();

class RateLimiter {
 public:
  using Duration = std::chrono::steady_clock::duration;
  // on_wait(d) is called when a request must wait d (> 1 s) for the budget.
  RateLimiter(double budget, double window_s, Clock& clock = system_clock(),
              std::function<void(Duration)> on_wait = nullptr);

  // Reserves the earliest send time the budget allows (now or later) and returns it.
  Clock::TimePoint reserve();
  // Reserves, then sleeps until the reserved time.
  void acquire();
  // Nothing is sent before now + delay (a 429's Retry-After).
  void pause_for(std::chrono::milliseconds delay);

 private:
  size_t budget_;
  Duration window_;
  Clock& clock_;
  std::function<void(Duration)> on_wait_;
  std::mutex mu_;
  std::deque<Clock::TimePoint> sent_;  // reserved send times inside the last window, ascending
  Clock::TimePoint paused_until_{};
};

}  // namespace rtk::api
