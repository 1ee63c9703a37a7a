#pragma once
// ports::DeadLetterAdmin on the broker's `<queue>.dlq` queues (distributed mode), over a
// connection of its own (guarded by a mutex; opened on first use, again after a failure).
//
// - report: the count by passive declare; the sample by basic.get of the oldest messages,
//   nacked with requeue afterwards, so they keep their place. What the sample shows comes
//   from the x-death header (reason, original routing key, time to the second) and the
//   quorum queue's x-delivery-count (attempts; unknown for a transient, classic queue).
// - replay: basic.get of up to the current count; the chosen ones are published again to
//   their queue (default exchange, confirmed) and only then acked; the others are nacked
//   with requeue. A crash in between leaves a duplicate, never a loss.
// - purge: queue.purge of the dead-letter queue.
//
// Broker down: ports::Unavailable. The dead-letter queue is declared (idempotently) before
// each use, so a queue whose consumer never connected has 0 dead letters, not an error.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/rabbitmq/amqp_connection.hpp"
#include "adapters/rabbitmq/broker_address.hpp"
#include "adapters/rabbitmq/options.hpp"
#include "ports/dead_letter_admin.hpp"

namespace st::adapters::rabbitmq {

class RabbitDeadLetterAdmin final : public ports::DeadLetterAdmin {
 public:
  // `quorum_queues`: the durable queues (whose dead letters carry a delivery count).
  // Parses the URL (std::invalid_argument if malformed); does not connect yet.
  RabbitDeadLetterAdmin(RabbitOptions options, std::vector<std::string> quorum_queues);
  ~RabbitDeadLetterAdmin() override;

  ports::DeadLetterReport report(const std::string& queue, std::size_t sample) override;
  std::size_t replay(const std::string& queue, const std::optional<std::string>& event_id) override;
  std::size_t purge(const std::string& queue) override;

 private:
  struct Taken;
  AmqpConnection& connection();  // mu_ held
  template <class F>
  auto with_connection(const std::string& queue, F&& f);
  std::vector<Taken> take(AmqpConnection& c, const std::string& dlq, std::size_t max);
  void await_confirms(AmqpConnection& c, std::uint64_t last);

  RabbitOptions options_;
  const BrokerAddress address_;
  std::vector<std::string> quorum_queues_;
  std::mutex mu_;
  std::unique_ptr<AmqpConnection> conn_;
  std::uint64_t published_ = 0;  // publish sequence number of the last message sent
};

}  // namespace st::adapters::rabbitmq
