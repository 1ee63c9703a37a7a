#include "adapters/rabbitmq/topology.hpp"

#include <amqp_framing.h>

#include <vector>

namespace st::adapters::rabbitmq {
namespace {

amqp_table_entry_t text_arg(const char* key, const std::string& value) {
  amqp_table_entry_t e{};
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_UTF8;
  e.value.value.bytes = bytes_of(value);
  return e;
}

amqp_table_entry_t int_arg(const char* key, std::int64_t value) {
  amqp_table_entry_t e{};
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_I64;
  e.value.value.i64 = value;
  return e;
}

void declare_queue(AmqpConnection& c, const std::string& name, bool durable, bool exclusive,
                   bool auto_delete, std::vector<amqp_table_entry_t> args) {
  const amqp_table_t table{static_cast<int>(args.size()), args.empty() ? nullptr : args.data()};
  amqp_queue_declare(c.state(), AmqpConnection::kChannel, bytes_of(name), /*passive=*/0, durable,
                     exclusive, auto_delete, table);
  c.check(amqp_get_rpc_reply(c.state()), "queue.declare " + name);
}

void bind(AmqpConnection& c, const std::string& queue, const std::string& exchange,
          const std::string& key) {
  amqp_queue_bind(c.state(), AmqpConnection::kChannel, bytes_of(queue), bytes_of(exchange),
                  bytes_of(key), amqp_empty_table);
  c.check(amqp_get_rpc_reply(c.state()), "queue.bind " + queue + " to '" + key + "'");
}

}  // namespace

std::string dead_letter_queue(const std::string& queue) {
  return queue + ".dlq";
}

void declare_exchanges(AmqpConnection& c, const ExchangeNames& x) {
  amqp_exchange_declare(c.state(), AmqpConnection::kChannel, bytes_of(x.events),
                        amqp_cstring_bytes("topic"), 0, /*durable=*/1, 0, 0, amqp_empty_table);
  c.check(amqp_get_rpc_reply(c.state()), "exchange.declare " + x.events);
  amqp_exchange_declare(c.state(), AmqpConnection::kChannel, bytes_of(x.dead_letters),
                        amqp_cstring_bytes("direct"), 0, /*durable=*/1, 0, 0, amqp_empty_table);
  c.check(amqp_get_rpc_reply(c.state()), "exchange.declare " + x.dead_letters);
}

void declare_dead_letter_queue(AmqpConnection& c, const ExchangeNames& x,
                               const std::string& queue) {
  const auto dlq = dead_letter_queue(queue);
  declare_queue(c, dlq, /*durable=*/true, false, false, {});
  bind(c, dlq, x.dead_letters, queue);
}

void declare_durable_queue(AmqpConnection& c, const ExchangeNames& x,
                           const ports::QueueSpec& spec) {
  const std::string quorum = "quorum";
  // The queue's own name routes its dead letters, so each queue has a DLQ of its own.
  const std::string& dead_letter_key = spec.name;
  declare_dead_letter_queue(c, x, spec.name);
  // A quorum queue counts failed deliveries (returns) and dead-letters a message returned
  // once more than x-delivery-limit times: a limit of max_deliveries - 1 allows exactly
  // max_deliveries deliveries, the port's meaning, even when a consumer crashes each time.
  declare_queue(
      c, spec.name, /*durable=*/true, false, false,
      {text_arg("x-queue-type", quorum), text_arg("x-dead-letter-exchange", x.dead_letters),
       text_arg("x-dead-letter-routing-key", dead_letter_key),
       int_arg("x-delivery-limit", spec.max_deliveries - 1)});
  for (const auto& pattern : spec.bindings) bind(c, spec.name, x.events, pattern);
}

void declare_transient_queue(AmqpConnection& c, const ExchangeNames& x,
                             const ports::QueueSpec& spec, const std::string& amqp_name) {
  // Its messages go with its connection, but what its consumer rejects is kept: in one
  // durable `<spec name>.dlq` shared by every instance, like a durable queue's.
  const std::string& dead_letter_key = spec.name;
  declare_dead_letter_queue(c, x, spec.name);
  declare_queue(c, amqp_name, /*durable=*/false, /*exclusive=*/true, /*auto_delete=*/true,
                {text_arg("x-dead-letter-exchange", x.dead_letters),
                 text_arg("x-dead-letter-routing-key", dead_letter_key)});
  for (const auto& pattern : spec.bindings) bind(c, amqp_name, x.events, pattern);
}

}  // namespace st::adapters::rabbitmq
