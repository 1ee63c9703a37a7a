#pragma once
// The broker-side layout of the bus, declared idempotently on every (re)connect:
// - the durable topic exchange every event is published to;
// - per durable queue: a quorum queue bound to its patterns, dead-lettering (on reject, or
//   once its delivery limit is spent) through a direct exchange into `<queue>.dlq`;
// - per transient queue: an exclusive, auto-delete classic queue, gone with its connection,
//   whose dead letters still go (through the same exchange) to a durable `<queue>.dlq`.
#include <string>

#include "adapters/rabbitmq/amqp_connection.hpp"
#include "ports/event_bus.hpp"

namespace st::adapters::rabbitmq {

struct ExchangeNames {
  std::string events = "tickets";
  std::string dead_letters = "tickets.dlx";
};

std::string dead_letter_queue(const std::string& queue);

void declare_exchanges(AmqpConnection& c, const ExchangeNames& x);
// `<queue>.dlq`, durable, bound to the dead-letter exchange by the queue's name.
void declare_dead_letter_queue(AmqpConnection& c, const ExchangeNames& x, const std::string& queue);
void declare_durable_queue(AmqpConnection& c, const ExchangeNames& x, const ports::QueueSpec& spec);
// `amqp_name` is unique to this connection (several instances subscribe the same spec).
void declare_transient_queue(AmqpConnection& c, const ExchangeNames& x,
                             const ports::QueueSpec& spec, const std::string& amqp_name);

}  // namespace st::adapters::rabbitmq
