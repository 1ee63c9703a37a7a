#include "resilience/concurrency_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "unit/support/eventually.hpp"

namespace st::resilience {
namespace {

using namespace std::chrono_literals;
using testing_support::eventually;

TEST(ConcurrencyLimiterTest, GivesOutAtMostLimitPermits) {
  ConcurrencyLimiter limiter(2);
  auto a = limiter.try_acquire();
  auto b = limiter.try_acquire();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(limiter.in_use(), 2u);
  EXPECT_FALSE(limiter.try_acquire());
  a.reset();
  EXPECT_EQ(limiter.in_use(), 1u);
  EXPECT_TRUE(limiter.try_acquire());
}

TEST(ConcurrencyLimiterTest, AWaiterGetsThePermitThatIsReleased) {
  ConcurrencyLimiter limiter(1);
  auto held = limiter.try_acquire();
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto p = limiter.acquire_until(std::chrono::steady_clock::now() + 10s);
    got = p.has_value();
  });
  ASSERT_TRUE(eventually([&] { return limiter.waiting() == 1; }));
  EXPECT_FALSE(got.load());
  held.reset();
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(limiter.in_use(), 0u);
  EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(ConcurrencyLimiterTest, GivesUpAtTheDeadline) {
  ConcurrencyLimiter limiter(1);
  auto held = limiter.try_acquire();
  EXPECT_FALSE(limiter.acquire_until(std::chrono::steady_clock::now() + 5ms));
  EXPECT_FALSE(limiter.acquire_until(std::chrono::steady_clock::now() - 1s));
  EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(ConcurrencyLimiterTest, NeverExceedsTheLimitUnderContention) {
  ConcurrencyLimiter limiter(3);
  std::atomic<int> running{0}, peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto p = limiter.acquire_until(std::chrono::steady_clock::now() + 10s);
        if (!p) continue;
        const int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        --running;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 1);
  EXPECT_EQ(limiter.in_use(), 0u);
}

TEST(ConcurrencyLimiterTest, RejectsAZeroLimit) {
  EXPECT_THROW(ConcurrencyLimiter(0), std::invalid_argument);
}

}  // namespace
}  // namespace st::resilience
