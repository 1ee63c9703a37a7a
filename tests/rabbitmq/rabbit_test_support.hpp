// Helpers of the RabbitMQ adapter tests: a bus on the shared broker with short backoffs,
// queue names unique per test (the broker outlives each test), and a thread-safe recorder.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/rabbitmq/rabbit_bus.hpp"
#include "messaging/one_at_a_time.hpp"
#include "ports/event_bus.hpp"
#include "support/rabbitmq_server.hpp"
#include "unit/support/eventually.hpp"

namespace st::adapters::rabbitmq::test {

using namespace std::chrono_literals;
using messaging::one_at_a_time;
using ports::Delivery;
using ports::Disposition;
using ports::OutgoingMessage;
using ports::QueueSpec;

// Broker round trips take milliseconds, restarts take many seconds: generous bounds.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 20s) {
  return testing_support::eventually(std::move(pred), timeout);
}

inline RabbitOptions fast_options(const std::string& url) {
  RabbitOptions o;
  o.url = url;
  o.connect_timeout = 2s;
  o.confirm_timeout = 5s;
  o.reconnect_backoff_initial = 50ms;
  o.reconnect_backoff_max = 500ms;
  o.retry_backoff_initial = 5ms;
  o.retry_backoff_max = 20ms;
  o.poll_interval = 20ms;
  return o;
}

// A bus on the test binary's broker.
inline RabbitOptions shared_broker_options() {
  return fast_options(test_support::shared_rabbit_server().url());
}

// "<test name>-<suffix>": every test gets queues of its own on the shared broker.
inline std::string unique_queue(const std::string& suffix) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name() + "-" + suffix;
}

inline QueueSpec queue(std::string name, std::vector<std::string> bindings, bool durable = true) {
  QueueSpec spec;
  spec.name = std::move(name);
  spec.bindings = std::move(bindings);
  spec.durable = durable;
  return spec;
}

// Routing keys are prefixed per test too, so no test sees another's messages even through
// a '#' binding.
inline std::string key(const std::string& suffix) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->name()) + "." + suffix;
}

inline OutgoingMessage msg(std::string routing_key, std::string id,
                           std::string traceparent =
                               "00-4bf92f3577b34da6a3ce929d0e0e4736-"
                               "00f067aa0ba902b7-01") {
  std::string body = R"({"id":")" + id + R"("})";
  return {std::move(routing_key), std::move(id), std::move(body), std::move(traceparent)};
}

inline std::vector<OutgoingMessage> msgs(const std::string& routing_key, const std::string& prefix,
                                         int n) {
  std::vector<OutgoingMessage> out;
  for (int i = 0; i < n; ++i) out.push_back(msg(routing_key, prefix + std::to_string(i)));
  return out;
}

// What a consumer saw, thread-safe. Acks everything unless `decide` says otherwise, for
// each delivery (consumer) or for a whole batch (batch_consumer).
class Recorder {
 public:
  ports::BatchConsumer consumer(std::function<Disposition(const Delivery&)> decide = nullptr) {
    return one_at_a_time([this, decide](const Delivery& d) {
      {
        std::lock_guard lk(mu_);
        seen_.push_back(d);
      }
      return decide ? decide(d) : Disposition::ack;
    });
  }
  ports::BatchConsumer batch_consumer(
      std::function<std::vector<Disposition>(const std::vector<Delivery>&)> decide = nullptr) {
    return [this, decide](const std::vector<Delivery>& batch) {
      {
        std::lock_guard lk(mu_);
        batch_sizes_.push_back(batch.size());
        seen_.insert(seen_.end(), batch.begin(), batch.end());
      }
      return decide ? decide(batch) : std::vector<Disposition>(batch.size(), Disposition::ack);
    };
  }
  std::vector<Delivery> seen() const {
    std::lock_guard lk(mu_);
    return seen_;
  }
  std::vector<std::string> ids() const {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    for (const auto& d : seen_) out.push_back(d.event_id);
    return out;
  }
  std::vector<int> counts_of(const std::string& id) const {
    std::lock_guard lk(mu_);
    std::vector<int> out;
    for (const auto& d : seen_)
      if (d.event_id == id) out.push_back(d.delivery_count);
    return out;
  }
  std::vector<std::size_t> batch_sizes() const {
    std::lock_guard lk(mu_);
    return batch_sizes_;
  }
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return seen_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Delivery> seen_;
  std::vector<std::size_t> batch_sizes_;
};

}  // namespace st::adapters::rabbitmq::test
