#pragma once
// A bus consumer for a handler with nothing to gain from batching (the gateway's live feed,
// which only passes each event on): each delivery is handled on its own, and a handler that
// throws retries its own delivery only, not the rest of the batch it came in.
#include <functional>

#include "ports/event_bus.hpp"

namespace st::messaging {

using DeliveryHandler = std::function<ports::Disposition(const ports::Delivery&)>;

ports::BatchConsumer one_at_a_time(DeliveryHandler handler);

}  // namespace st::messaging
