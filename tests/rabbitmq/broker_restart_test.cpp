// The broker goes away mid-stream: publishes fail with Unavailable while it is down, the
// consumers reconnect when it is back, and nothing that was confirmed is lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "ports/unavailable.hpp"
#include "rabbitmq/rabbit_test_support.hpp"

namespace st::adapters::rabbitmq::test {
namespace {

TEST(RabbitBusBrokerRestart, ConsumersReconnectAndNothingConfirmedIsLost) {
  auto& broker = test_support::shared_rabbit_server();
  const auto name = unique_queue("routing");
  auto spec = queue(name, {key("#")});
  spec.prefetch = 4;

  RabbitBus bus(shared_broker_options());
  std::mutex mu;
  std::set<std::string> handled;
  std::promise<void> in_flight_entered;
  std::atomic<bool> release_in_flight{false};
  std::atomic<int> in_flight_calls{0};
  bus.subscribe(spec, [&](const Delivery& d) {
    if (d.event_id == "in-flight" && in_flight_calls++ == 0) {
      // Still running when the broker dies: its ack cannot arrive, so the message must
      // come back after the restart.
      in_flight_entered.set_value();
      while (!release_in_flight) std::this_thread::sleep_for(1ms);
    }
    std::lock_guard lk(mu);
    handled.insert(d.event_id);
    return Disposition::ack;
  });
  bus.start();

  std::set<std::string> confirmed;
  auto publish = [&](const std::string& id) {
    bus.publish({msg(key("k"), id)});
    confirmed.insert(id);
  };
  for (int i = 0; i < 20; ++i) publish("before-" + std::to_string(i));
  publish("in-flight");
  ASSERT_EQ(in_flight_entered.get_future().wait_for(20s), std::future_status::ready);
  for (int i = 0; i < 20; ++i) publish("queued-" + std::to_string(i));

  broker.stop();
  release_in_flight = true;
  int refused = 0;
  for (int i = 0; i < 5; ++i) {
    try {
      publish("during-" + std::to_string(i));
    } catch (const ports::Unavailable&) {
      ++refused;
    }
  }
  EXPECT_EQ(refused, 5) << "publish must not claim success while the broker is down";
  EXPECT_FALSE(bus.reachable());
  ASSERT_TRUE(eventually([&] { return !bus.consuming(name); }));

  broker.start();
  // The relay's way: retry until the broker takes it.
  ASSERT_TRUE(eventually(
      [&] {
        try {
          publish("after");
          return true;
        } catch (const ports::Unavailable&) {
          return false;
        }
      },
      30s))
      << broker.log_tail(20000);
  ASSERT_TRUE(eventually([&] { return bus.consuming(name); }, 30s));
  EXPECT_GE(bus.reconnects(name), 1u);
  ASSERT_TRUE(eventually(
      [&] {
        std::lock_guard lk(mu);
        return std::includes(handled.begin(), handled.end(), confirmed.begin(), confirmed.end());
      },
      30s));
  EXPECT_EQ(in_flight_calls.load(), 2) << "the unacked in-flight message was redelivered";
  ASSERT_TRUE(eventually([&] { return bus.ready_count(name) == 0; }));
  std::lock_guard lk(mu);
  for (const auto& id : handled)
    EXPECT_TRUE(confirmed.contains(id)) << id << " handled but never confirmed";
}

TEST(RabbitBusBrokerRestart, AHungBrokerTimesPublishesOutInsteadOfBlockingThem) {
  auto& broker = test_support::shared_rabbit_server();
  auto options = shared_broker_options();
  options.confirm_timeout = 500ms;
  options.connect_timeout = 1s;
  RabbitBus bus(options);
  const auto name = unique_queue("routing");
  bus.declare(queue(name, {key("#")}));
  bus.publish({msg(key("k"), "before")});
  {
    broker.pause();
    struct Resume {
      test_support::RabbitServer& b;
      ~Resume() { b.resume(); }
    } resume_at_scope_exit{broker};
    EXPECT_THROW(bus.publish({msg(key("k"), "during")}), ports::Unavailable);
    EXPECT_FALSE(bus.reachable());
  }
  ASSERT_TRUE(eventually([&] {
    try {
      bus.publish({msg(key("k"), "after")});
      return true;
    } catch (const ports::Unavailable&) {
      return false;
    }
  }));
  // "during" may have been taken once the broker woke up: at least once, never lost.
  const auto ready = bus.ready_count(name);
  EXPECT_GE(ready, 2u);
  EXPECT_LE(ready, 3u);
}

}  // namespace
}  // namespace st::adapters::rabbitmq::test
