#include "api/rate_limiter.hpp"

#include <algorithm>

namespace rtk::api {

RateLimiter::RateLimiter(double budget, double window_s)
    : capacity_(std::max(1.0, budget)),
      refill_per_s_(std::max(1.0, budget) / std::max(0.001, window_s)),
      tokens_(capacity_),
      last_(Clock::now()),
      paused_until_(Clock::now()) {}

void RateLimiter::acquire() {
  std::unique_lock lock(mu_);
  while (true) {
    auto now = Clock::now();
    if (now < paused_until_) {
      cv_.wait_until(lock, paused_until_);
      continue;
    }
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(capacity_, tokens_ + elapsed * refill_per_s_);
    last_ = now;
    if (tokens_ >= 1.0) {
      tokens_ -= 1.0;
      return;
    }
    auto wait = std::chrono::duration<double>((1.0 - tokens_) / refill_per_s_);
    cv_.wait_for(lock, wait);
  }
}

void RateLimiter::pause_for(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  paused_until_ = std::max(paused_until_, Clock::now() + delay);
  tokens_ = 0;
  cv_.notify_all();
}

}  // namespace rtk::api
