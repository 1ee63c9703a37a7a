#include "resilience/retry_policy.hpp"

#include <gtest/gtest.h>

namespace st::resilience {
namespace {

using namespace std::chrono_literals;

RetryPolicy fixed(RetryOptions options, double u) {
  return RetryPolicy(options, [u] { return u; });
}

TEST(RetryPolicyTest, CountsAttemptsIncludingTheFirst) {
  auto p = fixed({.max_attempts = 3}, 0.5);
  EXPECT_TRUE(p.may_retry(1));
  EXPECT_TRUE(p.may_retry(2));
  EXPECT_FALSE(p.may_retry(3));
  EXPECT_FALSE(fixed({.max_attempts = 1}, 0.5).may_retry(1));
}

TEST(RetryPolicyTest, BackoffGrowsExponentiallyUpToTheCap) {
  const RetryOptions o{
      .max_attempts = 10, .initial_backoff = 100ms, .multiplier = 2.0, .max_backoff = 500ms};
  auto top = fixed(o, 1.0);  // the top of each jitter range
  EXPECT_EQ(top.delay(1), 100ms);
  EXPECT_EQ(top.delay(2), 200ms);
  EXPECT_EQ(top.delay(3), 400ms);
  EXPECT_EQ(top.delay(4), 500ms);
  EXPECT_EQ(top.delay(50), 500ms);
}

TEST(RetryPolicyTest, JitterStaysInTheUpperHalfOfEachStep) {
  const RetryOptions o{
      .max_attempts = 10, .initial_backoff = 100ms, .multiplier = 2.0, .max_backoff = 5000ms};
  EXPECT_EQ(fixed(o, 0.0).delay(3), 200ms);  // half of 400
  EXPECT_EQ(fixed(o, 0.5).delay(3), 300ms);
  RetryPolicy random(o);  // the real source stays within the range
  for (int i = 0; i < 200; ++i) {
    const auto d = random.delay(2);
    EXPECT_GE(d, 100ms);
    EXPECT_LE(d, 200ms);
  }
}

TEST(RetryPolicyTest, ALongerRetryAfterWins) {
  auto p = fixed({.initial_backoff = 100ms, .max_backoff = 1000ms}, 1.0);
  EXPECT_EQ(p.delay(1, 3000ms), 3000ms);
  EXPECT_EQ(p.delay(1, 10ms), 100ms);  // a shorter one does not shorten the backoff
}

TEST(RetryPolicyTest, RejectsMeaninglessOptions) {
  EXPECT_THROW(RetryPolicy({.max_attempts = 0}), std::invalid_argument);
  EXPECT_THROW(RetryPolicy({.multiplier = 0.5}), std::invalid_argument);
  EXPECT_THROW(RetryPolicy({.initial_backoff = 2000ms, .max_backoff = 1000ms}),
               std::invalid_argument);
}

TEST(RetryAfterTest, ParsesSeconds) {
  EXPECT_EQ(parse_retry_after_seconds("2"), 2000ms);
  EXPECT_EQ(parse_retry_after_seconds(" 0.25 "), 250ms);
  EXPECT_EQ(parse_retry_after_seconds("0"), 0ms);
}

TEST(RetryAfterTest, IgnoresWhatIsNotSeconds) {
  EXPECT_FALSE(parse_retry_after_seconds(""));
  EXPECT_FALSE(parse_retry_after_seconds("soon"));
  EXPECT_FALSE(parse_retry_after_seconds("-1"));
  EXPECT_FALSE(parse_retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_retry_after_seconds("1e9"));
}

}  // namespace
}  // namespace st::resilience
