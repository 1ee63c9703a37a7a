#include "adapters/rabbitmq/dead_letter_admin.hpp"

#include <amqp_framing.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/rabbitmq/message_codec.hpp"
#include "adapters/rabbitmq/topology.hpp"
#include "ports/unavailable.hpp"

namespace st::adapters::rabbitmq {

struct RabbitDeadLetterAdmin::Taken {
  std::uint64_t tag = 0;
  ports::OutgoingMessage message;  // routing_key: the one it was first published with
  DeathRecord death;
};

RabbitDeadLetterAdmin::RabbitDeadLetterAdmin(RabbitOptions options,
                                             std::vector<std::string> quorum_queues)
    : options_(std::move(options)),
      address_(BrokerAddress::parse(options_.url)),
      quorum_queues_(std::move(quorum_queues)) {}

RabbitDeadLetterAdmin::~RabbitDeadLetterAdmin() = default;

AmqpConnection& RabbitDeadLetterAdmin::connection() {
  if (conn_ && !conn_->broken()) return *conn_;
  conn_.reset();
  published_ = 0;
  auto c = std::make_unique<AmqpConnection>(
      address_, AmqpConnection::Settings{options_.connect_timeout, 0}, "dead-letter admin");
  amqp_confirm_select(c->state(), AmqpConnection::kChannel);
  c->check(amqp_get_rpc_reply(c->state()), "confirm.select");
  declare_exchanges(*c, options_.exchanges);
  conn_ = std::move(c);
  return *conn_;
}

template <class F>
auto RabbitDeadLetterAdmin::with_connection(const std::string& queue, F&& f) {
  std::lock_guard lk(mu_);
  try {
    auto& c = connection();
    declare_dead_letter_queue(c, options_.exchanges, queue);
    const auto dlq = dead_letter_queue(queue);
    auto result = f(c, dlq);
    // basic.ack and basic.nack have no reply: without a round trip after them, a count taken
    // right after this call (on any connection) could miss a requeue still in flight. The
    // broker applies a channel's methods in order, so answering this one means it applied them.
    c.ready_count(dlq);
    return result;
  } catch (...) {
    // Whatever failed (the broker, a refusal that closed the channel), the next call starts
    // on a fresh connection; unacked messages went back to the queue with the old one.
    if (conn_) conn_->abandon();
    conn_.reset();
    throw;
  }
}

std::vector<RabbitDeadLetterAdmin::Taken> RabbitDeadLetterAdmin::take(AmqpConnection& c,
                                                                      const std::string& dlq,
                                                                      std::size_t max) {
  std::vector<Taken> out;
  while (out.size() < max) {
    auto reply = amqp_basic_get(c.state(), AmqpConnection::kChannel, bytes_of(dlq), /*no_ack=*/0);
    c.check(reply, "basic.get " + dlq);
    if (reply.reply.id != AMQP_BASIC_GET_OK_METHOD) break;  // get-empty
    const auto* ok = static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded);
    // `ok` lives in the connection's buffers, which reading the message may reuse.
    const auto tag = ok->delivery_tag;
    const auto dead_letter_key = string_of(ok->routing_key);
    amqp_message_t message{};
    c.check(amqp_read_message(c.state(), AmqpConnection::kChannel, &message, 0),
            "reading a message of " + dlq);
    Taken t;
    t.tag = tag;
    const auto r = decode(message, bytes_of(dead_letter_key), tag, false, dlq);
    t.death = death_record(message.properties);
    amqp_destroy_message(&message);
    t.message.event_id = r.delivery.event_id;
    t.message.body = r.delivery.body;
    t.message.traceparent = r.delivery.traceparent;
    // A replayed message names its first routing key in a header (decode() took it); one
    // dead-lettered once has it in x-death.
    t.message.routing_key = r.delivery.routing_key != dead_letter_key
                                ? r.delivery.routing_key
                                : t.death.routing_key.value_or(dead_letter_key);
    out.push_back(std::move(t));
    amqp_maybe_release_buffers(c.state());
  }
  return out;
}

ports::DeadLetterReport RabbitDeadLetterAdmin::report(const std::string& queue,
                                                      std::size_t sample) {
  const bool quorum =
      std::find(quorum_queues_.begin(), quorum_queues_.end(), queue) != quorum_queues_.end();
  return with_connection(queue, [&](AmqpConnection& c, const std::string& dlq) {
    ports::DeadLetterReport r;
    r.queue = queue;
    r.count = c.ready_count(dlq);
    if (r.count == 0) return r;
    // At least one, for oldest_at: the queue's head is its oldest dead letter.
    auto taken = take(c, dlq, std::max<std::size_t>(sample, 1));
    if (!taken.empty())
      c.check_status(amqp_basic_nack(c.state(), AmqpConnection::kChannel, taken.back().tag,
                                     /*multiple=*/1, /*requeue=*/1),
                     "basic.nack " + dlq);
    if (!taken.empty()) r.oldest_at = taken.front().death.time_ms;
    for (std::size_t i = 0; i < taken.size() && i < sample; ++i) {
      const auto& t = taken[i];
      ports::DeadLetterSample s{t.message.event_id, t.message.routing_key, t.death.reason,
                                std::nullopt, t.death.time_ms};
      // A quorum queue counts returns; no header means the first delivery was the last.
      if (quorum && (s.reason == "rejected" || s.reason == "delivery_limit"))
        s.attempts = t.death.returns.value_or(0) + 1;
      r.sample.push_back(std::move(s));
    }
    return r;
  });
}

std::size_t RabbitDeadLetterAdmin::replay(const std::string& queue,
                                          const std::optional<std::string>& event_id) {
  return with_connection(queue, [&](AmqpConnection& c, const std::string& dlq) -> std::size_t {
    // Only what is there now: a message dead-lettered again meanwhile waits for the next call.
    const auto count = c.ready_count(dlq);
    if (count == 0) return 0;
    auto taken = take(c, dlq, count);
    std::vector<const Taken*> chosen;
    for (const auto& t : taken)
      if (!event_id || t.message.event_id == *event_id) chosen.push_back(&t);
    for (const auto* t : chosen) {
      const PublishProperties props(t->message, t->message.routing_key);
      c.check_status(amqp_basic_publish(c.state(), AmqpConnection::kChannel, amqp_empty_bytes,
                                        bytes_of(queue), /*mandatory=*/0, /*immediate=*/0,
                                        props.get(), bytes_of(t->message.body)),
                     "basic.publish to " + queue);
      ++published_;
    }
    if (!chosen.empty()) await_confirms(c, published_ - chosen.size() + 1);
    // Confirmed on the queue: now they may leave the dead-letter queue.
    for (const auto* t : chosen)
      c.check_status(amqp_basic_ack(c.state(), AmqpConnection::kChannel, t->tag, 0),
                     "basic.ack " + dlq);
    // One by one: a `multiple` nack would name the tags just acked too.
    for (const auto& t : taken)
      if (event_id && t.message.event_id != *event_id)
        c.check_status(amqp_basic_nack(c.state(), AmqpConnection::kChannel, t.tag,
                                       /*multiple=*/0, /*requeue=*/1),
                       "basic.nack " + dlq);
    return chosen.size();
  });
}

void RabbitDeadLetterAdmin::await_confirms(AmqpConnection& c, std::uint64_t first) {
  const auto confirms = c.await_confirms(first, published_, options_.confirm_timeout);
  if (confirms.unconfirmed > 0)
    throw ports::Unavailable("RabbitMQ at " + address_.redacted() +
                             ": replayed messages not confirmed in time");
  if (confirms.refused > 0)
    throw ports::Unavailable("RabbitMQ at " + address_.redacted() + ": the broker refused " +
                             std::to_string(confirms.refused) + " replayed message(s)");
}

std::size_t RabbitDeadLetterAdmin::purge(const std::string& queue) {
  return with_connection(queue, [&](AmqpConnection& c, const std::string& dlq) -> std::size_t {
    auto* ok = amqp_queue_purge(c.state(), AmqpConnection::kChannel, bytes_of(dlq));
    c.check(amqp_get_rpc_reply(c.state()), "queue.purge " + dlq);
    return ok->message_count;
  });
}

}  // namespace st::adapters::rabbitmq
