#pragma once
// A consumer that waits out outages instead of giving up on its messages.
//
// When a handler throws ports::Unavailable (its database restarts, or a service it calls is
// down), handing the batch back to the broker would spend the messages' delivery budget and,
// after max_deliveries, dead-letter perfectly good events. Instead the batch is retried in
// place with capped exponential backoff until it goes through or the process stops. Other
// exceptions are bugs or poison and propagate, so the bus counts them toward the dead-letter
// limit as usual.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "ports/event_bus.hpp"

namespace st::messaging {

struct PatienceOptions {
  std::string name;  // for logs: which consumer is waiting
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
};

// Set to true before bus.stop(): waiting handlers then give the batch back (retry) at once.
using StopFlag = std::shared_ptr<std::atomic<bool>>;

ports::BatchConsumer patient(ports::BatchConsumer inner, StopFlag stopping,
                             PatienceOptions options);

}  // namespace st::messaging
