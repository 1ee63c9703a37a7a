#pragma once
// A circuit breaker: stops calling a dependency that keeps failing, so callers fail fast
// (and fall back) instead of each waiting out a timeout, and lets a few probes through
// after a cool-down to find out whether it is back.
//
//   closed ── failure_threshold consecutive failures ──► open
//   open ── open_duration elapsed ──► half_open
//   half_open: at most half_open_max_calls probes in flight at a time;
//              a probe fails ──► open (the cool-down starts again),
//              half_open_successes probes succeed ──► closed.
//
// Why consecutive failures rather than a failure ratio: the dependencies it guards see a
// modest call rate, where a ratio needs a window and a minimum sample size to mean anything,
// while "N calls in a row failed" is the plain signal that the dependency is down. Any
// success while closed resets the count, so sporadic errors never open it.
//
// Outcomes are reported per call (CircuitBreaker::Call). An outcome of a call admitted
// before the last state change is ignored: a slow call that started while closed must not
// count toward or against the state the breaker has moved to since.
//
// Thread-safe. It knows nothing about what it guards; the clock is injectable so tests can
// move time without sleeping.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace st::resilience {

enum class BreakerState { closed, open, half_open };
std::string_view to_string(BreakerState s);

struct CircuitBreakerOptions {
  int failure_threshold = 5;                        // consecutive failures that open it
  std::chrono::milliseconds open_duration{30'000};  // cool-down before probing
  int half_open_max_calls = 1;                      // probes in flight at once
  int half_open_successes = 1;                      // probe successes that close it
};

struct BreakerSnapshot {
  BreakerState state = BreakerState::closed;
  int consecutive_failures = 0;
  std::chrono::milliseconds retry_in{0};  // while open: time left until probing
  std::uint64_t times_opened = 0;
};

class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using NowFunction = std::function<TimePoint()>;
  // Called on every transition, with the breaker's lock held: it must not call back into
  // the breaker (everything it needs is in the arguments). Keep it short: log, count.
  using StateListener = std::function<void(BreakerState from, BreakerState to)>;

  // Permission for one call. Report its outcome once with succeeded() or failed(); a Call
  // destroyed without either (an exception, an outcome that says nothing about the
  // dependency's health) is neutral and frees its half-open probe slot.
  class Call {
   public:
    Call(Call&& other) noexcept;
    Call& operator=(Call&&) = delete;
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call();

    void succeeded();
    void failed();
    // True when the call was admitted as a half-open probe.
    bool probe() const { return probe_; }

   private:
    friend class CircuitBreaker;
    Call(CircuitBreaker* breaker, std::uint64_t generation, bool probe)
        : breaker_(breaker), generation_(generation), probe_(probe) {}
    CircuitBreaker* breaker_;  // null once reported (or moved from)
    std::uint64_t generation_;
    bool probe_;
  };

  explicit CircuitBreaker(CircuitBreakerOptions options, StateListener listener = {},
                          NowFunction now = &std::chrono::steady_clock::now);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // A Call when the dependency may be called now; nullopt when open (or half-open with
  // every probe slot taken): fail fast.
  std::optional<Call> try_call();

  // Current state; an open breaker whose cool-down has passed reports (and becomes) half_open.
  BreakerState state();
  BreakerSnapshot snapshot();
  const CircuitBreakerOptions& options() const { return options_; }

 private:
  enum class Outcome { success, failure, neutral };
  void report(const Call& call, Outcome outcome);
  // Callers hold mutex_.
  void refresh_locked(TimePoint now);
  void transition_locked(BreakerState to, TimePoint now);

  const CircuitBreakerOptions options_;
  const StateListener listener_;
  const NowFunction now_;

  std::mutex mutex_;
  BreakerState state_ = BreakerState::closed;
  std::uint64_t generation_ = 0;  // bumped on every transition
  int consecutive_failures_ = 0;
  int probes_in_flight_ = 0;
  int probe_successes_ = 0;
  TimePoint opened_at_{};
  std::uint64_t times_opened_ = 0;
};

}  // namespace st::resilience
