// The request budget on a fake clock: no window of the budget's length ever holds more than the
// budget (a token bucket let twice the budget out in the first window), waits are announced,
// and a 429's Retry-After closes the gate.
#include <gtest/gtest.h>

#include <vector>

#include "support/fake_clock.hpp"

namespace rtk::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiter, NoWindowEverHoldsMoreThanTheBudget) {
  FakeClock clock;
  api::RateLimiter limiter(1200, 300, clock);
  std::vector<api::Clock::TimePoint> sent;
  for (int i = 0; i < 5000; ++i) {
    limiter.acquire();
    sent.push_back(clock.now());
    if (i % 7 == 0) clock.advance(milliseconds(40));  // some work between requests
  }
  size_t first = 0;
  for (size_t last = 0; last < sent.size(); ++last) {
    while (sent[first] + seconds(300) <= sent[last]) ++first;
    ASSERT_LE(last - first + 1, 1200U) << "request " << last;
  }
  // And it is not slower than it must be: 5,000 requests need four windows, plus the work
  // done between them (715 × 40 ms).
  EXPECT_LE(clock.elapsed(), seconds(4 * 300 + 30));
}

TEST(RateLimiter, LongWaitsAreAnnounced) {
  FakeClock clock;
  std::vector<api::RateLimiter::Duration> waits;
  api::RateLimiter limiter(2, 60, clock, [&](auto d) { waits.push_back(d); });
  limiter.acquire();
  limiter.acquire();
  EXPECT_TRUE(waits.empty());
  limiter.acquire();
  ASSERT_EQ(waits.size(), 1U);
  EXPECT_EQ(std::chrono::duration_cast<seconds>(waits[0]), seconds(60));
}

TEST(RateLimiter, RetryAfterClosesTheGate) {
  FakeClock clock;
  api::RateLimiter limiter(1000, 1, clock);
  limiter.acquire();
  limiter.pause_for(milliseconds(30000));
  limiter.acquire();
  EXPECT_GE(clock.elapsed(), milliseconds(30000));
}

}  // namespace
}  // namespace rtk::testing
