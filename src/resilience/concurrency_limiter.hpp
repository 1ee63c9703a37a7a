#pragma once
// Caps how many calls to a dependency run at once (a bulkhead): past the cap, callers wait
// until a permit is free or their deadline passes, so a slow dependency ties up at most
// `limit` threads and a rate-limited API is not flooded. Thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>

namespace st::resilience {

class ConcurrencyLimiter {
 public:
  // Held for the duration of one call; released when destroyed.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : limiter_(std::exchange(other.limiter_, nullptr)) {}
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() {
      if (limiter_) limiter_->release();
    }

   private:
    friend class ConcurrencyLimiter;
    explicit Permit(ConcurrencyLimiter* limiter) : limiter_(limiter) {}
    ConcurrencyLimiter* limiter_;
  };

  explicit ConcurrencyLimiter(std::size_t limit);
  ConcurrencyLimiter(const ConcurrencyLimiter&) = delete;
  ConcurrencyLimiter& operator=(const ConcurrencyLimiter&) = delete;

  std::optional<Permit> try_acquire();
  // Waits (first come, first served is not promised) until a permit is free or `deadline`.
  std::optional<Permit> acquire_until(std::chrono::steady_clock::time_point deadline);

  std::size_t limit() const { return limit_; }
  std::size_t in_use() const;
  std::size_t waiting() const;

 private:
  void release();

  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
};

}  // namespace st::resilience
