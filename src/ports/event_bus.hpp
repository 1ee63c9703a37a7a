#pragma once
// The message bus, with RabbitMQ's semantics whatever the adapter: a topic exchange,
// one queue per consuming service bound to the routing keys it needs, at-least-once
// delivery, manual ack after the consumer's commit, redelivery after a failed handler and
// a dead-letter queue after too many deliveries.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ports/health_check.hpp"

namespace st::ports {

struct OutgoingMessage {
  std::string routing_key;
  std::string event_id;
  std::string body;         // JSON event
  std::string traceparent;  // W3C header of the originating request, may be empty
};

struct Delivery {
  std::string queue;
  std::string routing_key;
  std::string event_id;
  std::string body;
  std::string traceparent;
  int delivery_count = 1;  // 1 on first delivery
};

enum class Disposition {
  ack,          // handled and committed: remove from the queue
  retry,        // failed for now: deliver again later (counts toward max_deliveries)
  dead_letter,  // can never succeed (poison): move to the queue's dead-letter queue
};

// Handles up to `prefetch` deliveries at once (one disposition each, same order), so a
// consumer can commit them in one transaction. A handler that throws, or returns a wrong
// number of dispositions, retries the whole batch. (A handler with nothing to batch wraps
// itself in messaging::one_at_a_time.)
using BatchConsumer = std::function<std::vector<Disposition>(const std::vector<Delivery>&)>;

struct QueueSpec {
  std::string name;                   // e.g. "categorizer"
  std::vector<std::string> bindings;  // topic patterns: "ticket.created", "ticket.#"
  bool durable = true;                // survives restarts; false = transient (SSE, waiters)
  int max_deliveries = 5;             // then dead-lettered
  int prefetch = 64;                  // unacked messages in flight per consumer
};

// A bus is a dependency /health probes ("bus"): an in-process bus is always there; a
// broker's adapter says whether it answers now.
class EventBus : public HealthCheck {
 public:
  virtual ~EventBus() = default;
  // Returns once every message is durably accepted by the broker (publisher confirms);
  // throws if it could not be.
  virtual void publish(const std::vector<OutgoingMessage>& batch) = 0;
  // Declares the queue, its bindings and its dead-letter queue, and attaches the consumer.
  // Call before start().
  virtual void subscribe(const QueueSpec& spec, BatchConsumer consumer) = 0;
  virtual void start() = 0;
  // Stops delivering; waits for handlers in flight to finish. Unacked messages stay queued.
  virtual void stop() = 0;

  std::string health_name() const override { return "bus"; }
  Probe probe() noexcept override { return {}; }
  // The dead letters kept for `queue` (durable or transient) now, for health reports. Throws
  // ports::Unavailable when the broker cannot be asked.
  virtual std::size_t dead_letter_count(const std::string& queue) = 0;

  // How many messages wait in `queue` now and, where the adapter can tell, how long the
  // oldest has waited (metrics). nullopt: the adapter cannot say (or does not know the
  // queue). Throws ports::Unavailable when the broker cannot be asked.
  struct QueueDepth {
    std::size_t messages = 0;
    std::optional<double> oldest_age_seconds = std::nullopt;
  };
  virtual std::optional<QueueDepth> queue_depth(const std::string& /*queue*/) {
    return std::nullopt;
  }
};

// True when `routing_key` matches the topic `pattern` ('*' = one word, '#' = zero or more).
bool topic_matches(std::string_view pattern, std::string_view routing_key);

}  // namespace st::ports
