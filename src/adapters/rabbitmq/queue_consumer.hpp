#pragma once
// Consumes one queue on a thread of its own, over a connection of its own.
//
// - Declares the queue (and its bindings and dead-letter queue) on every connect, sets
//   basic.qos to the spec's prefetch, and acks each delivery only after its handler said so.
// - `retry` (or a throwing handler) holds the delivery for a backoff, then nacks it back to
//   the broker, which redelivers it with x-delivery-count + 1; other deliveries flow on
//   meanwhile. At max_deliveries the delivery is rejected instead: it goes to the dead-letter
//   queue. `dead_letter` rejects at once.
// - A lost connection is retried with exponential backoff; what was unacked returns to the
//   queue on the broker's side and is delivered again.
// - Delivery counts are the broker's (x-delivery-count + 1), which counts every return to
//   the queue: a message prefetched by a consumer that stopped or crashed before handling it
//   comes back with its count raised too. Keep max_deliveries comfortably above the number
//   of consumer restarts a message may live through.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/rabbitmq/amqp_connection.hpp"
#include "adapters/rabbitmq/broker_address.hpp"
#include "adapters/rabbitmq/message_codec.hpp"
#include "adapters/rabbitmq/options.hpp"
#include "ports/event_bus.hpp"

namespace st::adapters::rabbitmq {

class QueueConsumer {
 public:
  QueueConsumer(BrokerAddress address, const RabbitOptions& options, ports::QueueSpec spec,
                ports::BatchConsumer consumer);
  ~QueueConsumer();
  QueueConsumer(const QueueConsumer&) = delete;
  QueueConsumer& operator=(const QueueConsumer&) = delete;

  void start();
  // Asks the thread to finish the handler in flight and leave; does not wait.
  void request_stop();
  void join();

  const ports::QueueSpec& spec() const { return spec_; }
  // True while a connection is up and consuming.
  bool consuming() const { return consuming_.load(); }
  // Connections that were established after a failed one (0 for an undisturbed consumer).
  std::uint64_t reconnects() const { return reconnects_.load(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Held {
    Clock::time_point due;
    std::uint64_t tag;
  };

  void run();
  void open_and_consume();
  void consume(AmqpConnection& c);
  std::optional<Received> next(AmqpConnection& c, std::chrono::milliseconds timeout);
  void handle_batch(AmqpConnection& c, std::vector<Received>& batch);
  void settle(AmqpConnection& c, const Received& r, ports::Disposition disposition,
              const std::string& why);
  // Nacks held retries back to the broker: those that are due, or all of them.
  void release_held(AmqpConnection& c, bool all);
  int delivery_count(const Received& r);
  std::chrono::milliseconds retry_backoff(int delivery_count) const;
  bool stopping() const;
  void sleep_unless_stopped(std::chrono::milliseconds d);

  const BrokerAddress address_;
  const RabbitOptions options_;
  const ports::QueueSpec spec_;
  const ports::BatchConsumer consumer_;
  const std::string amqp_name_;  // differs from spec_.name for a transient queue

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;
  std::thread thread_;
  std::atomic<bool> consuming_{false};
  std::atomic<std::uint64_t> reconnects_{0};

  // Consumer thread only.
  int failures_ = 0;  // connection attempts that failed since the last success
  std::chrono::milliseconds backoff_;
  std::vector<Held> held_;
  // Classic (transient) queues keep no delivery count: failed attempts are counted here, by
  // event id, while the message goes round.
  std::unordered_map<std::string, int> transient_failures_;
};

}  // namespace st::adapters::rabbitmq
