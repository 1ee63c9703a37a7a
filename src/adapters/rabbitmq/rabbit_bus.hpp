#pragma once
// ports::EventBus on RabbitMQ (rabbitmq-c), for the distributed mode.
//
// - publish(): persistent messages (event id as message_id, traceparent as a header) to the
//   durable topic exchange, on one publisher connection (guarded by a mutex) in confirm
//   mode; returns once the broker confirmed the whole batch, throws ports::Unavailable if
//   it could not (broker down, refused, or silent past confirm_timeout), so the outbox relay
//   keeps the rows and tries again.
// - subscribe(): a durable QueueSpec is a quorum queue with a dead-letter queue
//   `<name>.dlq`; several processes subscribing the same spec share its work. A transient
//   spec is an exclusive queue per bus (per process), gone with its connection.
// - Each subscribed queue is consumed on its own thread and connection (QueueConsumer),
//   which reconnects with backoff after the broker went away; unacked messages return to
//   the queue on the broker's side, so nothing is lost, and consumers absorb the redelivered
//   duplicates by event id.
//
// The topology is declared by every connection that needs it, on every (re)connect, so the
// order in which services start (or the broker restarts) does not matter. Queues exist once
// a consumer or a publisher that knows them has connected: declare() the queues of other
// services too if this process may publish before they ever started.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/rabbitmq/amqp_connection.hpp"
#include "adapters/rabbitmq/broker_address.hpp"
#include "adapters/rabbitmq/options.hpp"
#include "adapters/rabbitmq/queue_consumer.hpp"
#include "adapters/rabbitmq/queue_wait_estimate.hpp"
#include "ports/event_bus.hpp"

namespace st::adapters::rabbitmq {

class RabbitBus : public ports::EventBus {
 public:
  using Options = RabbitOptions;

  // Parses the URL (std::invalid_argument if malformed); does not connect yet.
  explicit RabbitBus(Options options);
  ~RabbitBus() override;
  RabbitBus(const RabbitBus&) = delete;
  RabbitBus& operator=(const RabbitBus&) = delete;

  void publish(const std::vector<ports::OutgoingMessage>& batch) override;
  void subscribe(const ports::QueueSpec& spec, ports::BatchConsumer consumer) override;
  // Declares a durable queue (bindings, dead-letter queue) without consuming from it: the
  // publisher declares it on connect, so its messages are kept until its consumer comes.
  void declare(const ports::QueueSpec& spec);
  // Connects the publisher (declaring the topology) and starts the consumers. A broker that
  // is down is not an error: consumers keep trying, publish() throws until it is back.
  void start() override;
  // Lets each handler in flight finish and settle, then closes the connections: unacked
  // messages stay queued. Bounded by poll_interval + the slowest handler + one RPC timeout.
  void stop() override;

  // Whether the broker answers now (connects the publisher if needed): /health's "bus".
  ports::Probe probe() noexcept override;
  // Messages ready (not unacked) in a queue and in its dead-letter queue.
  // Throw ports::Unavailable if the broker is down, BrokerRefused if the queue is unknown.
  std::size_t ready_count(const std::string& queue);
  std::size_t dead_letter_count(const std::string& queue) override;
  // The ready messages (unacked ones are not counted) and, as the oldest's age, an upper
  // bound: the time since this bus last saw the queue without ready messages
  // (queue_wait_estimate.hpp); it looks at each call (each scrape of /metrics).
  std::optional<QueueDepth> queue_depth(const std::string& queue) override;
  // Removes up to `max` messages from the queue's dead-letter queue and returns them, oldest
  // first (inspection and replay). Their routing_key is the dead-letter key (the queue name).
  std::vector<ports::Delivery> take_dead_letters(const std::string& queue, std::size_t max);

  // The consumer of `queue` is connected (false before start, while reconnecting, after
  // stop); and how often it had to reconnect. std::invalid_argument for an unknown queue.
  bool consuming(const std::string& queue) const;
  std::uint64_t reconnects(const std::string& queue) const;

  const BrokerAddress& address() const { return address_; }

 private:
  const QueueConsumer& find(const std::string& queue) const;
  // Publisher connection helpers: publish_mu_ held.
  AmqpConnection& publisher();
  void publish_once(const std::vector<ports::OutgoingMessage>& batch);
  void await_confirms(AmqpConnection& c, std::uint64_t first, std::uint64_t last);
  void drop_publisher();
  template <class F>
  auto with_publisher(F&& f) -> decltype(f(std::declval<AmqpConnection&>()));

  Options options_;
  const BrokerAddress address_;

  std::mutex lifecycle_mu_;  // subscribe, declare, start, stop
  std::vector<std::unique_ptr<QueueConsumer>> consumers_;

  mutable std::mutex specs_mu_;                  // apart: publisher() reads under publish_mu_
  std::vector<ports::QueueSpec> durable_specs_;  // what the publisher declares
  bool started_ = false;
  bool stopped_ = false;

  std::mutex publish_mu_;
  std::unique_ptr<AmqpConnection> publisher_;
  std::uint64_t published_ = 0;  // publish sequence number of the last message sent

  QueueWaitEstimate wait_estimate_;
};

// Validates a QueueSpec the way both adapters do (std::invalid_argument).
void check_queue_spec(const ports::QueueSpec& spec);

}  // namespace st::adapters::rabbitmq
