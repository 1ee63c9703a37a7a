#include "resilience/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "unit/support/manual_clock.hpp"

namespace st::resilience {
namespace {

using namespace std::chrono_literals;
using testing_support::ManualSteadyClock;
using Transition = std::pair<BreakerState, BreakerState>;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  std::unique_ptr<CircuitBreaker> make(CircuitBreakerOptions options) {
    return std::make_unique<CircuitBreaker>(
        options, [this](BreakerState from, BreakerState to) { transitions.emplace_back(from, to); },
        clock.function());
  }
  static void fail(CircuitBreaker& b, int times) {
    for (int i = 0; i < times; ++i) {
      auto call = b.try_call();
      ASSERT_TRUE(call);
      call->failed();
    }
  }

  ManualSteadyClock clock;
  std::vector<Transition> transitions;
};

TEST_F(CircuitBreakerTest, StartsClosedAndLetsCallsThrough) {
  auto b = make({.failure_threshold = 3});
  EXPECT_EQ(b->state(), BreakerState::closed);
  for (int i = 0; i < 10; ++i) {
    auto call = b->try_call();
    ASSERT_TRUE(call);
    EXPECT_FALSE(call->probe());
    call->succeeded();
  }
  EXPECT_TRUE(transitions.empty());
}

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  auto b = make({.failure_threshold = 3});
  fail(*b, 2);
  EXPECT_EQ(b->state(), BreakerState::closed);
  EXPECT_EQ(b->snapshot().consecutive_failures, 2);
  fail(*b, 1);
  EXPECT_EQ(b->state(), BreakerState::open);
  EXPECT_EQ(transitions, (std::vector<Transition>{{BreakerState::closed, BreakerState::open}}));
  EXPECT_EQ(b->snapshot().times_opened, 1u);
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheFailureCount) {
  auto b = make({.failure_threshold = 3});
  fail(*b, 2);
  b->try_call()->succeeded();
  fail(*b, 2);
  EXPECT_EQ(b->state(), BreakerState::closed);
  EXPECT_EQ(b->snapshot().consecutive_failures, 2);
}

TEST_F(CircuitBreakerTest, NeutralOutcomesNeitherCountNorReset) {
  auto b = make({.failure_threshold = 2});
  fail(*b, 1);
  { auto call = b->try_call(); }  // destroyed unreported
  EXPECT_EQ(b->snapshot().consecutive_failures, 1);
  fail(*b, 1);
  EXPECT_EQ(b->state(), BreakerState::open);
}

TEST_F(CircuitBreakerTest, OpenRejectsCallsUntilTheCoolDownPasses) {
  auto b = make({.failure_threshold = 1, .open_duration = 1000ms});
  fail(*b, 1);
  EXPECT_FALSE(b->try_call());
  EXPECT_EQ(b->snapshot().retry_in, 1000ms);
  clock.advance(999ms);
  EXPECT_FALSE(b->try_call());
  EXPECT_EQ(b->snapshot().retry_in, 1ms);
  EXPECT_EQ(b->state(), BreakerState::open);
  clock.advance(1ms);
  EXPECT_EQ(b->state(), BreakerState::half_open);
  EXPECT_EQ(b->snapshot().retry_in, 0ms);
  EXPECT_EQ(transitions, (std::vector<Transition>{{BreakerState::closed, BreakerState::open},
                                                  {BreakerState::open, BreakerState::half_open}}));
}

TEST_F(CircuitBreakerTest, HalfOpenLetsOnlyTheConfiguredNumberOfProbesThrough) {
  auto b = make({.failure_threshold = 1, .open_duration = 10ms, .half_open_max_calls = 2});
  fail(*b, 1);
  clock.advance(10ms);
  auto first = b->try_call();
  auto second = b->try_call();
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->probe());
  EXPECT_TRUE(second->probe());
  EXPECT_FALSE(b->try_call());
  EXPECT_EQ(b->state(), BreakerState::half_open);
}

TEST_F(CircuitBreakerTest, AFailedProbeReopensAndRestartsTheCoolDown) {
  auto b = make({.failure_threshold = 1, .open_duration = 100ms});
  fail(*b, 1);
  clock.advance(100ms);
  auto probe = b->try_call();
  ASSERT_TRUE(probe);
  probe->failed();
  EXPECT_EQ(b->state(), BreakerState::open);
  EXPECT_EQ(b->snapshot().retry_in, 100ms);
  EXPECT_EQ(b->snapshot().times_opened, 2u);
  EXPECT_EQ(transitions.back(), Transition(BreakerState::half_open, BreakerState::open));
}

TEST_F(CircuitBreakerTest, SuccessfulProbesClose) {
  auto b = make({.failure_threshold = 1,
                 .open_duration = 100ms,
                 .half_open_max_calls = 1,
                 .half_open_successes = 2});
  fail(*b, 1);
  clock.advance(100ms);
  b->try_call()->succeeded();
  EXPECT_EQ(b->state(), BreakerState::half_open);  // one of two successes
  b->try_call()->succeeded();
  EXPECT_EQ(b->state(), BreakerState::closed);
  EXPECT_EQ(transitions.back(), Transition(BreakerState::half_open, BreakerState::closed));
  // Closed again: calls flow and the failure count starts over.
  EXPECT_EQ(b->snapshot().consecutive_failures, 0);
  EXPECT_TRUE(b->try_call());
}

TEST_F(CircuitBreakerTest, AnUnreportedProbeFreesItsSlot) {
  auto b = make({.failure_threshold = 1, .open_duration = 10ms});
  fail(*b, 1);
  clock.advance(10ms);
  {
    auto probe = b->try_call();
    ASSERT_TRUE(probe);
    EXPECT_FALSE(b->try_call());
  }
  EXPECT_EQ(b->state(), BreakerState::half_open);
  EXPECT_TRUE(b->try_call());
}

TEST_F(CircuitBreakerTest, OutcomesOfCallsAdmittedBeforeATransitionAreIgnored) {
  auto b = make({.failure_threshold = 2, .open_duration = 10ms});
  auto slow = b->try_call();  // admitted while closed
  auto slow_failure = b->try_call();
  fail(*b, 2);
  ASSERT_EQ(b->state(), BreakerState::open);
  slow->succeeded();  // must not close the open breaker
  EXPECT_EQ(b->state(), BreakerState::open);
  clock.advance(10ms);
  auto probe = b->try_call();
  ASSERT_TRUE(probe);
  slow_failure->failed();  // stale: must not reopen the half-open breaker
  EXPECT_EQ(b->state(), BreakerState::half_open);
  probe->succeeded();
  EXPECT_EQ(b->state(), BreakerState::closed);
}

TEST_F(CircuitBreakerTest, ReportingTwiceCountsOnce) {
  auto b = make({.failure_threshold = 2});
  auto call = b->try_call();
  call->failed();
  call->failed();
  call->succeeded();
  EXPECT_EQ(b->snapshot().consecutive_failures, 1);
  EXPECT_EQ(b->state(), BreakerState::closed);
}

TEST_F(CircuitBreakerTest, MovedCallsReportOnce) {
  auto b = make({.failure_threshold = 1});
  auto call = b->try_call();
  CircuitBreaker::Call moved = std::move(*call);
  call.reset();  // the moved-from shell reports nothing
  EXPECT_EQ(b->state(), BreakerState::closed);
  moved.failed();
  EXPECT_EQ(b->state(), BreakerState::open);
}

TEST_F(CircuitBreakerTest, RejectsMeaninglessOptions) {
  EXPECT_THROW(CircuitBreaker({.failure_threshold = 0}), std::invalid_argument);
  EXPECT_THROW(CircuitBreaker({.half_open_max_calls = 0}), std::invalid_argument);
  EXPECT_THROW(CircuitBreaker({.half_open_successes = 0}), std::invalid_argument);
  EXPECT_THROW(CircuitBreaker({.open_duration = -1ms}), std::invalid_argument);
}

TEST_F(CircuitBreakerTest, StateNames) {
  EXPECT_EQ(to_string(BreakerState::closed), "closed");
  EXPECT_EQ(to_string(BreakerState::open), "open");
  EXPECT_EQ(to_string(BreakerState::half_open), "half_open");
}

TEST_F(CircuitBreakerTest, ConcurrentCallersOnlyMakeLegalTransitions) {
  // The listener runs under the breaker's lock, so the recorded sequence is the real order.
  std::vector<Transition> seen;
  CircuitBreaker b(
      {.failure_threshold = 3, .open_duration = 0ms, .half_open_max_calls = 2},
      [&seen](BreakerState from, BreakerState to) { seen.emplace_back(from, to); },
      clock.function());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&b, t] {
      for (int i = 0; i < 2000; ++i) {
        auto call = b.try_call();
        if (!call) continue;
        if ((i + t) % 5 == 0)  // four failures in a row per thread: it opens
          call->succeeded();
        else
          call->failed();
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_FALSE(seen.empty());
  const std::vector<Transition> legal{{BreakerState::closed, BreakerState::open},
                                      {BreakerState::open, BreakerState::half_open},
                                      {BreakerState::half_open, BreakerState::open},
                                      {BreakerState::half_open, BreakerState::closed}};
  BreakerState current = BreakerState::closed;
  std::uint64_t opens = 0;
  for (const auto& t : seen) {
    EXPECT_EQ(t.first, current);
    EXPECT_NE(std::find(legal.begin(), legal.end(), t), legal.end());
    current = t.second;
    if (current == BreakerState::open) ++opens;
  }
  EXPECT_EQ(b.snapshot().times_opened, opens);
}

}  // namespace
}  // namespace st::resilience
