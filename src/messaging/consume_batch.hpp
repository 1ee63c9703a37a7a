#pragma once
// A bus hands a batch to its consumer (both buses, in-process and RabbitMQ, the same way):
// the consumer's answer, one disposition per delivery; or, when it throws or answers for a
// different number of deliveries, a retry of the whole batch and why. No exception escapes.
#include <cstddef>
#include <string>
#include <vector>

#include "ports/event_bus.hpp"

namespace st::messaging {

struct BatchOutcome {
  std::vector<ports::Disposition> dispositions;  // one per delivery, in order
  std::string failure;  // why the whole batch is retried; empty when the consumer answered

  // Why delivery `i` is settled as it is (for the log line of a retry or a dead letter):
  // the batch's failure, or that the consumer asked for a retry; empty otherwise.
  std::string reason(std::size_t i) const;
};

BatchOutcome consume_batch(const ports::BatchConsumer& consumer,
                           const std::vector<ports::Delivery>& deliveries);

}  // namespace st::messaging
