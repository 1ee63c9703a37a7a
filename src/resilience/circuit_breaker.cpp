#include "resilience/circuit_breaker.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "util/enum_names.hpp"

namespace st::resilience {

constexpr util::EnumNames<BreakerState, 3> kBreakerStateNames{{
    {BreakerState::closed, "closed"},
    {BreakerState::open, "open"},
    {BreakerState::half_open, "half_open"},
}};

std::string_view to_string(BreakerState s) {
  return util::name_of(kBreakerStateNames, s);
}

// ---- Call ----

CircuitBreaker::Call::Call(Call&& other) noexcept
    : breaker_(other.breaker_), generation_(other.generation_), probe_(other.probe_) {
  other.breaker_ = nullptr;
}

CircuitBreaker::Call::~Call() {
  if (breaker_) breaker_->report(*this, Outcome::neutral);
}

void CircuitBreaker::Call::succeeded() {
  if (!breaker_) return;
  auto* b = std::exchange(breaker_, nullptr);
  b->report(*this, Outcome::success);
}

void CircuitBreaker::Call::failed() {
  if (!breaker_) return;
  auto* b = std::exchange(breaker_, nullptr);
  b->report(*this, Outcome::failure);
}

// ---- CircuitBreaker ----

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, StateListener listener,
                               NowFunction now)
    : options_(options), listener_(std::move(listener)), now_(std::move(now)) {
  if (options_.failure_threshold < 1 || options_.half_open_max_calls < 1 ||
      options_.half_open_successes < 1 || options_.open_duration.count() < 0)
    throw std::invalid_argument(
        "circuit breaker: thresholds must be at least 1 and the open duration not negative");
}

void CircuitBreaker::transition_locked(BreakerState to, TimePoint now) {
  const BreakerState from = state_;
  state_ = to;
  ++generation_;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  if (to == BreakerState::open) {
    opened_at_ = now;
    ++times_opened_;
  }
  if (listener_ && from != to) listener_(from, to);
}

void CircuitBreaker::refresh_locked(TimePoint now) {
  if (state_ == BreakerState::open && now - opened_at_ >= options_.open_duration)
    transition_locked(BreakerState::half_open, now);
}

std::optional<CircuitBreaker::Call> CircuitBreaker::try_call() {
  std::lock_guard lock(mutex_);
  refresh_locked(now_());
  switch (state_) {
    case BreakerState::closed:
      return Call(this, generation_, false);
    case BreakerState::open:
      return std::nullopt;
    case BreakerState::half_open:
      if (probes_in_flight_ >= options_.half_open_max_calls) return std::nullopt;
      ++probes_in_flight_;
      return Call(this, generation_, true);
  }
  return std::nullopt;
}

void CircuitBreaker::report(const Call& call, Outcome outcome) {
  std::lock_guard lock(mutex_);
  if (call.generation_ != generation_) return;  // admitted before the last transition
  const auto now = now_();
  if (state_ == BreakerState::closed) {
    if (outcome == Outcome::success) consecutive_failures_ = 0;
    if (outcome == Outcome::failure && ++consecutive_failures_ >= options_.failure_threshold)
      transition_locked(BreakerState::open, now);
    return;
  }
  if (state_ != BreakerState::half_open || !call.probe_) return;
  --probes_in_flight_;
  if (outcome == Outcome::failure)
    transition_locked(BreakerState::open, now);
  else if (outcome == Outcome::success && ++probe_successes_ >= options_.half_open_successes)
    transition_locked(BreakerState::closed, now);
}

BreakerState CircuitBreaker::state() {
  std::lock_guard lock(mutex_);
  refresh_locked(now_());
  return state_;
}

BreakerSnapshot CircuitBreaker::snapshot() {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  refresh_locked(now);
  BreakerSnapshot s;
  s.state = state_;
  s.consecutive_failures = consecutive_failures_;
  s.times_opened = times_opened_;
  if (state_ == BreakerState::open)
    s.retry_in = std::max(std::chrono::milliseconds(0),
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              opened_at_ + options_.open_duration - now));
  return s;
}

}  // namespace st::resilience
