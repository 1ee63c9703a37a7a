// Shared unit-test helper: a steady clock that moves only when the test says so, for
// components that take a `now` function (circuit breaker, caches, deadlines).
#pragma once

#include <atomic>
#include <chrono>

namespace st::testing_support {

class ManualSteadyClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  TimePoint now() const { return TimePoint(std::chrono::nanoseconds(ns_.load())); }
  void advance(std::chrono::nanoseconds d) { ns_ += d.count(); }
  // A callable to hand to the component under test; the clock must outlive it.
  auto function() const {
    return [this] { return now(); };
  }

 private:
  // Starts far from zero so "time_point{}" never equals a real reading.
  std::atomic<std::int64_t> ns_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
};

}  // namespace st::testing_support

#include "ports/clock.hpp"

namespace st::testing_support {

// A ports::Clock (wall time, domain milliseconds) that moves only when the test says so.
class ManualClock final : public ports::Clock {
 public:
  explicit ManualClock(domain::Millis start) : now_(start) {}
  domain::Millis now() const override { return now_.load(); }
  void set(domain::Millis t) { now_ = t; }
  void advance(domain::Millis ms) { now_ += ms; }

 private:
  std::atomic<domain::Millis> now_;
};

}  // namespace st::testing_support
