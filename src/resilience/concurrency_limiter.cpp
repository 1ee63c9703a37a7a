#include "resilience/concurrency_limiter.hpp"

#include <stdexcept>

namespace st::resilience {

ConcurrencyLimiter::ConcurrencyLimiter(std::size_t limit) : limit_(limit) {
  if (limit_ == 0) throw std::invalid_argument("concurrency limit must be at least 1");
}

std::optional<ConcurrencyLimiter::Permit> ConcurrencyLimiter::try_acquire() {
  std::lock_guard lock(mutex_);
  if (in_use_ >= limit_) return std::nullopt;
  ++in_use_;
  return Permit(this);
}

std::optional<ConcurrencyLimiter::Permit> ConcurrencyLimiter::acquire_until(
    std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  ++waiting_;
  const bool got = freed_.wait_until(lock, deadline, [this] { return in_use_ < limit_; });
  --waiting_;
  if (!got) return std::nullopt;
  ++in_use_;
  return Permit(this);
}

std::size_t ConcurrencyLimiter::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::size_t ConcurrencyLimiter::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

void ConcurrencyLimiter::release() {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
  }
  freed_.notify_one();
}

}  // namespace st::resilience
