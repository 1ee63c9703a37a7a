#include "adapters/rabbitmq/queue_wait_estimate.hpp"

#include <algorithm>

namespace st::adapters::rabbitmq {

double QueueWaitEstimate::observe(const std::string& queue, std::size_t ready,
                                  Clock::time_point now) {
  std::lock_guard lock(mu_);
  const auto it = since_.try_emplace(queue, now).first;
  if (ready == 0) {
    it->second = now;
    return 0.0;
  }
  const std::chrono::duration<double> waited = now - it->second;
  return std::max(0.0, waited.count());  // scrapes out of order never give a negative age
}

}  // namespace st::adapters::rabbitmq
