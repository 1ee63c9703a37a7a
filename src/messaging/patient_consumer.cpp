#include "messaging/patient_consumer.hpp"

#include <thread>

#include <spdlog/spdlog.h>

#include "ports/unavailable.hpp"

namespace st::messaging {

ports::BatchConsumer patient(ports::BatchConsumer inner, StopFlag stopping,
                             PatienceOptions options) {
  return [inner = std::move(inner), stopping = std::move(stopping),
          options = std::move(options)](const std::vector<ports::Delivery>& batch) {
    auto backoff = options.initial_backoff;
    const auto since = std::chrono::steady_clock::now();
    auto next_log = since;
    for (;;) {
      try {
        return inner(batch);
      } catch (const ports::Unavailable& e) {
        if (stopping->load()) throw;  // shutting down: the broker keeps the messages
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_log) {  // one line per 10 s of outage, not one per attempt
          spdlog::warn("{}: waiting for a dependency ({} s so far): {}", options.name,
                       std::chrono::duration_cast<std::chrono::seconds>(now - since).count(),
                       e.what());
          next_log = now + std::chrono::seconds(10);
        }
      }
      // Sleep in short slices so stop() is not held up by a long backoff.
      const auto wake = std::chrono::steady_clock::now() + backoff;
      while (!stopping->load() && std::chrono::steady_clock::now() < wake)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      backoff = std::min(backoff * 2, options.max_backoff);
    }
  };
}

}  // namespace st::messaging
