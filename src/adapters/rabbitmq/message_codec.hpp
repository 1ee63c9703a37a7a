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
  PublishProperties(const PublishProperties&) = delete;
  PublishProperties& operator=(const PublishProperties&) = delete;

  const amqp_basic_properties_t* get() const { return &props_; }

 private:
  amqp_basic_properties_t props_{};
  amqp_table_entry_t headers_[1]{};
};

struct Received {
  ports::Delivery delivery;  // delivery_count still 1: the consumer works out the real one
  std::uint64_t tag = 0;
  bool redelivered = false;
  // Quorum queues count failed deliveries in the x-delivery-count header (absent on the
  // first delivery); classic queues do not.
  std::optional<int> returns;
};

// `queue` is the bus's name for the queue (a transient queue's AMQP name differs).
Received decode(const amqp_message_t& message, amqp_bytes_t routing_key, std::uint64_t tag,
                bool redelivered, const std::string& queue);

}  // namespace st::adapters::rabbitmq
