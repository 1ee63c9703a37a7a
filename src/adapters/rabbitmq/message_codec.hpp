#pragma once
// Bus messages <-> AMQP messages: the event id travels as message_id, the W3C traceparent
// as a header, the JSON event as the body; messages are persistent (delivery_mode 2).
#include <amqp.h>

#include <cstdint>
#include <optional>
#include <string>

#include "ports/event_bus.hpp"

namespace st::adapters::rabbitmq {

// The basic properties of one outgoing message. Views into the message: it must outlive
// this object. Not copyable (props.headers points into the object).
class PublishProperties {
 public:
  explicit PublishProperties(const ports::OutgoingMessage& message);
  // A replayed dead letter goes straight to its queue (default exchange), so the routing
  // key the consumer sees would be the queue's name: the original travels as a header,
  // which decode() prefers.
  PublishProperties(const ports::OutgoingMessage& message, const std::string& original_routing_key);
  PublishProperties(const PublishProperties&) = delete;
  PublishProperties& operator=(const PublishProperties&) = delete;

  const amqp_basic_properties_t* get() const { return &props_; }

 private:
  amqp_basic_properties_t props_{};
  amqp_table_entry_t headers_[2]{};
};

struct Received {
  ports::Delivery delivery;  // delivery_count still 1: the consumer works out the real one
  std::uint64_t tag = 0;
  bool redelivered = false;
  // Quorum queues count failed deliveries in the x-delivery-count header (absent on the
  // first delivery); classic queues do not.
  std::optional<int> returns;
};

// What the broker recorded when it dead-lettered a message: the newest entry of its x-death
// header (reason, the routing key it was published with, when, in ms) and the quorum
// queue's x-delivery-count (failed deliveries before). Whatever is missing stays nullopt.
struct DeathRecord {
  std::optional<std::string> reason;
  std::optional<std::string> routing_key;
  std::optional<std::int64_t> time_ms;
  std::optional<int> returns;
};
DeathRecord death_record(const amqp_basic_properties_t& properties);

// `queue` is the bus's name for the queue (a transient queue's AMQP name differs).
Received decode(const amqp_message_t& message, amqp_bytes_t routing_key, std::uint64_t tag,
                bool redelivered, const std::string& queue);

}  // namespace st::adapters::rabbitmq
