#pragma once
// Settings of the RabbitMQ bus. Defaults suit a broker on the same network; tests shorten
// the backoffs.
#include <chrono>
#include <string>

#include "adapters/rabbitmq/topology.hpp"

namespace st::adapters::rabbitmq {

struct RabbitOptions {
  // amqp://user:password@host:port/vhost (the RABBITMQ_URL setting).
  std::string url = "amqp://guest:guest@127.0.0.1:5672/";
  ExchangeNames exchanges;
  // Names this bus's transient queues (`<queue>.<instance_id>`); empty: host-pid-random.
  std::string instance_id;

  std::chrono::milliseconds connect_timeout{3000};  // TCP connect, login, each RPC
  std::chrono::milliseconds confirm_timeout{5000};  // publish() gives up after this
  // Consumers only: lets the broker notice a dead consumer and us a dead broker. A handler
  // running longer than two intervals gets the connection closed under it (its message is
  // then redelivered), so keep it well above the slowest handler.
  int heartbeat_seconds = 30;

  // Reconnecting after the broker went away: initial delay, doubled per failure, capped.
  std::chrono::milliseconds reconnect_backoff_initial{100};
  std::chrono::milliseconds reconnect_backoff_max{5000};
  // A delivery the consumer asked to retry is held this long (doubled per attempt, capped)
  // before it is handed back to the broker, so a failing handler does not spin.
  std::chrono::milliseconds retry_backoff_initial{50};
  std::chrono::milliseconds retry_backoff_max{2000};
  // A consumer's batch: the first delivery plus whatever else arrives within this.
  std::chrono::milliseconds batch_linger{2};
  // How often an idle consumer looks at its stop flag (bounds stop()).
  std::chrono::milliseconds poll_interval{100};
};

}  // namespace st::adapters::rabbitmq
