#include "api/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace rtk::api {
namespace {

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void sleep_until(TimePoint t) override { std::this_thread::sleep_until(t); }
};

}  // namespace

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

RateLimiter::RateLimiter(double budget, double window_s, Clock& clock,
                         std::function<void(Duration)> on_wait)
    : budget_(static_cast<size_t>(std::max(1.0, std::floor(budget)))),
      window_(std::chrono::duration_cast<Duration>(
          std::chrono::duration<double>(std::max(0.001, window_s)))),
      clock_(clock),
      on_wait_(std::move(on_wait)) {}

Clock::TimePoint RateLimiter::reserve() {
  std::lock_guard lock(mu_);
  const auto now = clock_.now();
  auto at = std::max(now, paused_until_);
  // Send times are reserved in ascending order, so the window's oldest is at the front.
  while (!sent_.empty() && sent_.front() + window_ <= at) sent_.pop_front();
  if (sent_.size() >= budget_) {
    at = std::max(at, sent_[sent_.size() - budget_] + window_);
    while (!sent_.empty() && sent_.front() + window_ <= at) sent_.pop_front();
  }
  if (!sent_.empty()) at = std::max(at, sent_.back());
  sent_.push_back(at);
  return at;
}

void RateLimiter::acquire() {
  const auto at = reserve();
  const auto wait = at - clock_.now();
  if (wait > std::chrono::seconds(1) && on_wait_) on_wait_(wait);
  if (wait > Duration::zero()) clock_.sleep_until(at);
}

void RateLimiter::pause_for(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  paused_until_ = std::max(paused_until_, clock_.now() + delay);
}

}  // namespace rtk::api
