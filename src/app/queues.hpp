#pragma once
// The message topology, the same in both modes: which queue each consuming service owns and
// the routing keys bound to it (the pipeline ticket.created → categorized → routed, the
// learned model's labels from ticket.routed, plus analytics and the gateway's live feed,
// which see everything).
#include <vector>

#include "ports/event_bus.hpp"

namespace st::app::queues {

// Unacked messages per consumer, and so the batch size, unless configured (--prefetch, the
// distributed mode's setting).
constexpr int kDefaultPrefetch = 64;

inline ports::QueueSpec categorizer(int prefetch = kDefaultPrefetch) {
  return {"categorizer", {"ticket.created"}, true, 5, prefetch};
}
inline ports::QueueSpec routing(int prefetch = kDefaultPrefetch) {
  return {"routing", {"ticket.categorized"}, true, 5, prefetch};
}
inline ports::QueueSpec analytics(int prefetch = kDefaultPrefetch) {
  return {"analytics", {"ticket.#"}, true, 5, prefetch};
}
// Signed webhooks: every event, each recorded once (by event id) as deliveries to the
// subscribed webhooks (hosted beside analytics in both modes).
inline ports::QueueSpec webhooks(int prefetch = kDefaultPrefetch) {
  return {"webhooks", {"ticket.#"}, true, 5, prefetch};
}
// The learned model's labels (routing decisions, agents' reroutes). Durable and shared, like
// the categorizer queue: in distributed mode the categorizer instances split the labels,
// each recorded once in their shared PostgreSQL table, and a label published while no
// categorizer runs waits here. (Each instance still trains a model of its own from that
// table.)
inline ports::QueueSpec categorizer_training(int prefetch = kDefaultPrefetch) {
  return {"categorizer-training", {"ticket.routed"}, true, 5, prefetch};
}
// Transient: it only serves live SSE streams and create requests waiting for routing, so
// each gateway instance has its own and nothing is kept for a gateway that is gone.
inline ports::QueueSpec gateway() {
  return {"gateway", {"ticket.#"}, false, 5, 256};
}

// Every durable queue: a process that publishes declares them all, so an event published
// before its consumer ever started is kept for it rather than dropped by the exchange.
inline std::vector<ports::QueueSpec> durable(int prefetch = kDefaultPrefetch) {
  return {categorizer(prefetch), routing(prefetch), analytics(prefetch),
          categorizer_training(prefetch), webhooks(prefetch)};
}

}  // namespace st::app::queues
