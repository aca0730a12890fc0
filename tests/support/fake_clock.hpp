// tests/support/fake_clock: an api::Clock whose sleeps return at once and move its time on, so
// waits (Retry-After, backoff, the request budget) are checked without waiting.
#pragma once

#include <mutex>

#include "api/rate_limiter.hpp"

namespace rtk::testing {

class FakeClock final : public api::Clock {
 public:
  [[nodiscard]] TimePoint now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void sleep_until(TimePoint t) override {
    std::lock_guard lock(mu_);
    if (t > now_) now_ = t;
  }
  void advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }
  [[nodiscard]] std::chrono::milliseconds elapsed() const {
    std::lock_guard lock(mu_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - TimePoint{});
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_{};
};

}  // namespace rtk::testing
