#include "auth/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace st::auth {
namespace {

// Takes `n` tokens from `caller` at `now`; returns how many were allowed.
int take_n(RateLimiter& limiter, std::string_view caller, int per_minute, domain::Millis now,
           int n) {
  int allowed = 0;
  for (int i = 0; i < n; ++i) allowed += limiter.take(caller, per_minute, now).allowed ? 1 : 0;
  return allowed;
}

TEST(RateLimiterTest, ABurstOfExactlyTheLimitIsAllowedThenRefused) {
  RateLimiter limiter;
  for (int i = 1; i <= 600; ++i) {
    const RateDecision d = limiter.take("key-a", 600, 0);
    ASSERT_TRUE(d.allowed) << "request " << i;
    EXPECT_EQ(d.limit, 600);
    EXPECT_EQ(d.remaining, 600 - i);
    EXPECT_EQ(d.retry_after_s, 0);
  }
  const RateDecision refused = limiter.take("key-a", 600, 0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 600);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_s, 1);  // 10 tokens a second: one is back in 0.1 s
  EXPECT_EQ(refused.reset_s, 60);
}

TEST(RateLimiterTest, ResetIsTheWholeSecondsUntilFull) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.take("a", 600, 0).reset_s, 1);  // one token short: 0.1 s, rounded up
  EXPECT_EQ(limiter.take("b", 60, 0).reset_s, 1);   // one token short at one a second
  EXPECT_EQ(take_n(limiter, "b", 60, 0, 29), 29);
  EXPECT_EQ(limiter.take("b", 60, 0).reset_s, 31);  // 31 taken in all
  EXPECT_EQ(limiter.take("c", 1, 0).reset_s, 60);   // one token a minute
}

TEST(RateLimiterTest, TokensComeBackWithTime) {
  RateLimiter limiter;
  ASSERT_EQ(take_n(limiter, "k", 60, 0, 60), 60);  // one token a second
  EXPECT_FALSE(limiter.take("k", 60, 0).allowed);
  EXPECT_FALSE(limiter.take("k", 60, 999).allowed);

  const RateDecision back = limiter.take("k", 60, 1000);
  EXPECT_TRUE(back.allowed);
  EXPECT_EQ(back.remaining, 0);
  EXPECT_EQ(back.reset_s, 60);
  EXPECT_FALSE(limiter.take("k", 60, 1000).allowed);

  // 2.5 tokens back: one is taken, 1.5 left, of which one whole.
  const RateDecision partial = limiter.take("k", 60, 3500);
  EXPECT_TRUE(partial.allowed);
  EXPECT_EQ(partial.remaining, 1);
  EXPECT_EQ(partial.reset_s, 59);  // 58.5 tokens short

  // Long idle: full again, but never more than full.
  const RateDecision full = limiter.take("k", 60, 10 * 60'000);
  EXPECT_TRUE(full.allowed);
  EXPECT_EQ(full.remaining, 59);
  EXPECT_EQ(take_n(limiter, "k", 60, 10 * 60'000, 100), 59);
}

TEST(RateLimiterTest, RetryAfterIsTheWholeSecondsUntilOneToken) {
  RateLimiter limiter;
  ASSERT_EQ(take_n(limiter, "slow", 6, 0, 6), 6);  // one token every 10 s
  const RateDecision now = limiter.take("slow", 6, 0);
  EXPECT_FALSE(now.allowed);
  EXPECT_EQ(now.retry_after_s, 10);
  EXPECT_EQ(now.reset_s, 60);

  const RateDecision later = limiter.take("slow", 6, 4'500);  // 0.45 of a token back
  EXPECT_FALSE(later.allowed);
  EXPECT_EQ(later.remaining, 0);
  EXPECT_EQ(later.retry_after_s, 6);  // 5.5 s, rounded up
  EXPECT_EQ(later.reset_s, 56);       // 55.5 s, rounded up

  const RateDecision almost = limiter.take("slow", 6, 9'999);  // 1 ms short
  EXPECT_FALSE(almost.allowed);
  EXPECT_EQ(almost.retry_after_s, 1);  // never 0

  ASSERT_EQ(take_n(limiter, "minute", 1, 0, 1), 1);
  EXPECT_EQ(limiter.take("minute", 1, 0).retry_after_s, 60);
}

TEST(RateLimiterTest, CallersHaveIndependentBuckets) {
  RateLimiter limiter;
  ASSERT_EQ(take_n(limiter, "a", 10, 0, 10), 10);
  EXPECT_FALSE(limiter.take("a", 10, 0).allowed);
  const RateDecision b = limiter.take("b", 10, 0);
  EXPECT_TRUE(b.allowed);
  EXPECT_EQ(b.remaining, 9);
  EXPECT_FALSE(limiter.take("a", 10, 0).allowed);
  EXPECT_EQ(limiter.bucket_count(), 2u);
}

TEST(RateLimiterTest, ZeroOrNegativeLimitIsUnlimitedAndStoresNothing) {
  RateLimiter limiter;
  for (int per_minute : {0, -1, -600}) {
    for (int i = 0; i < 1000; ++i) {
      const RateDecision d = limiter.take("anyone", per_minute, 0);
      ASSERT_TRUE(d.allowed);
      EXPECT_EQ(d.limit, 0);
      EXPECT_EQ(d.remaining, 0);
      EXPECT_EQ(d.reset_s, 0);
      EXPECT_EQ(d.retry_after_s, 0);
    }
  }
  EXPECT_EQ(limiter.bucket_count(), 0u);
}

TEST(RateLimiterTest, AnEarlierNowNeitherRefillsNorRewinds) {
  RateLimiter limiter;
  ASSERT_EQ(take_n(limiter, "k", 60, 10'000, 60), 60);
  EXPECT_FALSE(limiter.take("k", 60, 9'000).allowed);
  // One token back since 10 s, not two since 9 s.
  EXPECT_EQ(take_n(limiter, "k", 60, 11'000, 5), 1);
}

TEST(RateLimiterTest, ALoweredLimitCapsTheBucket) {
  RateLimiter limiter;
  ASSERT_TRUE(limiter.take("k", 600, 0).allowed);
  const RateDecision d = limiter.take("k", 60, 0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 60);
  EXPECT_EQ(d.remaining, 59);
}

TEST(RateLimiterTest, HeadersUseTheStructuredDraftForm) {
  RateDecision d;
  d.limit = 600;
  d.remaining = 12;
  d.reset_s = 5;
  EXPECT_EQ(rate_limit_policy_header(d), R"("default";q=600;w=60)");
  EXPECT_EQ(rate_limit_header(d), R"("default";r=12;t=5)");

  RateLimiter limiter;
  const RateDecision first = limiter.take("k", 100, 0);
  EXPECT_EQ(rate_limit_policy_header(first), R"("default";q=100;w=60)");
  EXPECT_EQ(rate_limit_header(first), R"("default";r=99;t=1)");
}

TEST(RateLimiterTest, RequiresRoomForOneBucket) {
  EXPECT_THROW(RateLimiter(0), std::invalid_argument);
}

TEST(RateLimiterTest, MemoryStaysBoundedUnderManyCallers) {
  RateLimiter limiter(1000);
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_TRUE(limiter.take("caller-" + std::to_string(i), 60, i / 100).allowed);
    ASSERT_LE(limiter.bucket_count(), 1000u) << "after caller " << i;
  }
  // Eviction frees a fraction of a shard at a time, not the whole table.
  EXPECT_GE(limiter.bucket_count(), 500u);
}

// Small tables have one shard, so which bucket goes is exactly predictable.
TEST(RateLimiterTest, RefilledBucketsAreForgottenFirst) {
  RateLimiter limiter(3);
  ASSERT_EQ(take_n(limiter, "drained", 60, 0, 60), 60);
  ASSERT_TRUE(limiter.take("fast", 6'000, 100).allowed);  // full again after 10 ms
  ASSERT_TRUE(limiter.take("recent", 60, 500).allowed);
  ASSERT_EQ(limiter.bucket_count(), 3u);

  ASSERT_TRUE(limiter.take("newcomer", 60, 1'000).allowed);
  EXPECT_EQ(limiter.bucket_count(), 3u);
  // "fast" went, not the least recently used "drained", which kept its state: one token back
  // after a second, none left after taking it.
  EXPECT_EQ(limiter.take("drained", 60, 1'000).remaining, 0);
  EXPECT_EQ(limiter.take("recent", 60, 1'000).remaining, 58);  // 59.5 - 1
}

TEST(RateLimiterTest, TheLeastRecentlyUsedBucketGoesWhenNoneIsFull) {
  RateLimiter limiter(3);
  ASSERT_TRUE(limiter.take("a", 60, 0).allowed);
  ASSERT_TRUE(limiter.take("b", 60, 1).allowed);
  ASSERT_TRUE(limiter.take("c", 60, 2).allowed);
  ASSERT_TRUE(limiter.take("a", 60, 3).allowed);  // "b" is now the least recently used

  ASSERT_TRUE(limiter.take("d", 60, 4).allowed);
  EXPECT_EQ(limiter.bucket_count(), 3u);
  EXPECT_EQ(limiter.take("a", 60, 5).remaining, 57);
  EXPECT_EQ(limiter.take("c", 60, 5).remaining, 58);
  EXPECT_EQ(limiter.take("b", 60, 5).remaining, 59);  // forgotten: a full bucket again
  EXPECT_EQ(limiter.bucket_count(), 3u);
}

TEST(RateLimiterTest, ExactlyTheLimitIsAllowedUnderContention) {
  // Every thread asks for every caller's tokens at the same instant, four times the limit in
  // all: whatever the interleaving, each caller gets exactly its limit.
  constexpr int kThreads = 4;
  constexpr int kCallers = 4;
  constexpr int kPerMinute = 500;
  RateLimiter limiter;
  std::atomic<bool> go{false};
  std::array<std::atomic<int>, kCallers> allowed{};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kPerMinute; ++i)
        for (int c = 0; c < kCallers; ++c)
          if (limiter.take("caller-" + std::to_string(c), kPerMinute, 1'000).allowed) ++allowed[c];
    });
  go = true;
  for (auto& thread : threads) thread.join();
  for (int c = 0; c < kCallers; ++c) EXPECT_EQ(allowed[c].load(), kPerMinute) << "caller " << c;
  EXPECT_EQ(limiter.bucket_count(), static_cast<std::size_t>(kCallers));
}

}  // namespace
}  // namespace st::auth
