// RabbitBus against a real broker: delivery, routing, confirms, acks, retries, dead letters,
// batches, transient and shared queues.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "ports/unavailable.hpp"
#include "rabbitmq/rabbit_test_support.hpp"

namespace st::adapters::rabbitmq::test {
namespace {

TEST(RabbitBus, RoundTripCarriesIdBodyRoutingKeyAndTraceparent) {
  RabbitBus bus(shared_broker_options());
  Recorder r;
  const auto name = unique_queue("tickets");
  bus.subscribe(queue(name, {key("#")}), r.consumer());
  bus.start();
  bus.publish({msg(key("created"), "e1"), msg(key("created"), "e2", /*traceparent=*/"")});
  ASSERT_TRUE(eventually([&] { return r.size() == 2; }));

  const auto seen = r.seen();
  EXPECT_EQ(seen[0].queue, name);
  EXPECT_EQ(seen[0].routing_key, key("created"));
  EXPECT_EQ(seen[0].event_id, "e1");
  EXPECT_EQ(seen[0].body, R"({"id":"e1"})");
  EXPECT_EQ(seen[0].traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(seen[0].delivery_count, 1);
  EXPECT_EQ(seen[1].event_id, "e2");
  EXPECT_EQ(seen[1].traceparent, "") << "no header when the request had no trace";
  bus.stop();
  EXPECT_EQ(bus.ready_count(name), 0u) << "both acked";
}

TEST(RabbitBus, TopicBindingsRouteByPattern) {
  RabbitBus bus(shared_broker_options());
  Recorder created, everything, routed;
  bus.subscribe(queue(unique_queue("created"), {key("ticket.created")}), created.consumer());
  bus.subscribe(queue(unique_queue("all"), {key("ticket.#")}), everything.consumer());
  bus.subscribe(queue(unique_queue("routed"), {key("*.routed"), key("ticket.created")}),
                routed.consumer());
  bus.start();
  // Matching no queue is not an error: the broker confirms and drops it.
  bus.publish({msg(key("ticket.created"), "c1"), msg(key("ticket.routed"), "r1"),
               msg(key("ticket.routed.late"), "deep"), msg(key("nothing"), "dropped")});
  ASSERT_TRUE(eventually([&] { return everything.size() == 3; }));
  ASSERT_TRUE(eventually([&] { return created.size() == 1 && routed.size() == 2; }));
  std::this_thread::sleep_for(200ms);  // room for a wrong extra delivery to show up
  EXPECT_EQ(created.ids(), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(everything.ids(), (std::vector<std::string>{"c1", "r1", "deep"}));
  EXPECT_EQ(routed.ids(), (std::vector<std::string>{"c1", "r1"}))
      << "one copy per queue even when two of its bindings match";
}

TEST(RabbitBus, ConfirmedMessagesWaitInADeclaredQueueForItsConsumer) {
  const auto name = unique_queue("categorizer");
  const auto spec = queue(name, {key("created")});
  {
    // A publisher-only process that knows the queue: once publish() returns, the broker
    // holds the messages even though no consumer ever ran.
    RabbitBus publisher(shared_broker_options());
    publisher.declare(spec);
    publisher.start();
    publisher.publish(msgs(key("created"), "m", 50));
    EXPECT_EQ(publisher.ready_count(name), 50u);
  }
  RabbitBus consumer(shared_broker_options());
  Recorder r;
  consumer.subscribe(spec, r.consumer());
  consumer.start();
  ASSERT_TRUE(eventually([&] { return r.size() == 50; }));
  const auto ids = r.ids();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ids[i], "m" + std::to_string(i)) << "in publish order";
}

// The queue-age gauge's bound: messages that nobody consumes age from the moment the queue
// was last seen empty; once consumed, the queue is empty again and its age 0.
TEST(RabbitBus, QueueDepthTellsTheReadyMessagesAndHowLongTheyMayHaveWaited) {
  const auto name = unique_queue("routing");
  const auto spec = queue(name, {key("categorized")});
  RabbitBus publisher(shared_broker_options());
  publisher.declare(spec);
  publisher.start();
  const auto empty = publisher.queue_depth(name);
  ASSERT_TRUE(empty && empty->oldest_age_seconds);
  EXPECT_EQ(empty->messages, 0u);
  EXPECT_EQ(*empty->oldest_age_seconds, 0.0);
  publisher.publish(msgs(key("categorized"), "w", 3));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto waiting = publisher.queue_depth(name);
  ASSERT_TRUE(waiting && waiting->oldest_age_seconds);
  EXPECT_EQ(waiting->messages, 3u);
  EXPECT_GE(*waiting->oldest_age_seconds, 0.3);
  EXPECT_LT(*waiting->oldest_age_seconds, 30.0);
  RabbitBus consumer(shared_broker_options());
  Recorder r;
  consumer.subscribe(spec, r.consumer());
  consumer.start();
  ASSERT_TRUE(eventually([&] { return r.size() == 3; }));
  ASSERT_TRUE(eventually([&] { return publisher.queue_depth(name)->messages == 0; }));
  EXPECT_EQ(*publisher.queue_depth(name)->oldest_age_seconds, 0.0);
}

TEST(RabbitBus, AcksOnlyAfterTheHandlerReturnsAndHonoursPrefetch) {
  RabbitBus bus(shared_broker_options());
  const auto name = unique_queue("routing");
  auto spec = queue(name, {key("#")});
  spec.prefetch = 1;
  std::promise<void> entered;
  std::atomic<bool> release{false};
  Recorder r;
  bus.subscribe(spec, r.consumer([&](const Delivery& d) {
    if (d.event_id == "slow") {
      entered.set_value();
      while (!release) std::this_thread::sleep_for(1ms);
    }
    return Disposition::ack;
  }));
  bus.start();
  bus.publish({msg(key("k"), "slow"), msg(key("k"), "next")});
  ASSERT_EQ(entered.get_future().wait_for(20s), std::future_status::ready);
  // "slow" is unacked while its handler runs, so with a prefetch of 1 the broker has not
  // handed out "next": it is still ready in the queue.
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(bus.ready_count(name), 1u);
  EXPECT_EQ(r.size(), 1u);
  release = true;
  ASSERT_TRUE(eventually([&] { return r.size() == 2; }));
  ASSERT_TRUE(eventually([&] { return bus.ready_count(name) == 0; }));
}

TEST(RabbitBus, RetriesAreRedeliveredWithTheBrokersCountWhileTheRestFlows) {
  auto options = shared_broker_options();
  // Long enough that "fine" is surely handled while "flaky" waits out its first backoff.
  options.retry_backoff_initial = 300ms;
  options.retry_backoff_max = 300ms;
  RabbitBus bus(options);
  Recorder r;
  bus.subscribe(queue(unique_queue("routing"), {key("#")}), r.consumer([](const Delivery& d) {
    if (d.event_id == "flaky" && d.delivery_count < 3) return Disposition::retry;
    if (d.event_id == "thrower" && d.delivery_count == 1)
      throw std::runtime_error("database is locked");
    return Disposition::ack;
  }));
  bus.start();
  bus.publish({msg(key("k"), "flaky"), msg(key("k"), "thrower"), msg(key("k"), "fine")});
  ASSERT_TRUE(eventually([&] { return r.counts_of("flaky").size() == 3; }));
  ASSERT_TRUE(eventually([&] { return r.counts_of("thrower").size() == 2; }));
  EXPECT_EQ(r.counts_of("flaky"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.counts_of("thrower"), (std::vector<int>{1, 2})) << "a throwing handler = retry";
  EXPECT_EQ(r.counts_of("fine"), (std::vector<int>{1}));
  const auto ids = r.ids();
  ASSERT_GE(ids.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 3),
            (std::vector<std::string>{"flaky", "thrower", "fine"}))
      << "the retries waited without holding up the queue";
}

TEST(RabbitBus, PoisonLandsInTheDeadLetterQueueAndTheRestFlowsOn) {
  RabbitBus bus(shared_broker_options());
  Recorder r;
  const auto name = unique_queue("routing");
  auto spec = queue(name, {key("#")});
  spec.max_deliveries = 3;
  bus.subscribe(spec, r.consumer([](const Delivery& d) {
    if (d.event_id == "poison") return Disposition::retry;
    if (d.event_id == "malformed") return Disposition::dead_letter;
    return Disposition::ack;
  }));
  bus.start();
  auto batch = msgs(key("k"), "good", 20);
  batch.insert(batch.begin() + 5, msg(key("k"), "poison"));
  batch.insert(batch.begin() + 10, msg(key("k"), "malformed"));
  bus.publish(batch);

  ASSERT_TRUE(eventually([&] { return bus.dead_letter_count(name) == 2; }));
  EXPECT_EQ(r.counts_of("poison"), (std::vector<int>{1, 2, 3})) << "max_deliveries, no more";
  EXPECT_EQ(r.counts_of("malformed"), (std::vector<int>{1})) << "dead-lettered at once";
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(r.counts_of("good" + std::to_string(i)), (std::vector<int>{1})) << i;
  EXPECT_EQ(bus.ready_count(name), 0u);

  auto dead = bus.take_dead_letters(name, 10);
  ASSERT_EQ(dead.size(), 2u);
  std::set<std::string> dead_ids{dead[0].event_id, dead[1].event_id};
  EXPECT_EQ(dead_ids, (std::set<std::string>{"poison", "malformed"}));
  for (const auto& d : dead) {
    EXPECT_EQ(d.body, R"({"id":")" + d.event_id + R"("})");
    EXPECT_FALSE(d.traceparent.empty()) << "headers survive dead-lettering";
  }
  EXPECT_EQ(bus.dead_letter_count(name), 0u) << "taken";
}

TEST(RabbitBus, TheQueuesDeliveryLimitAlsoCountsReturnsNoHandlerDecided) {
  // A consumer that goes away returns what it had prefetched; the quorum queue counts that
  // as a delivery and, past x-delivery-limit, dead-letters on its own. This is what stops a
  // message that crashes every consumer from going round for ever. With max_deliveries = 1
  // one return is one too many.
  const auto name = unique_queue("routing");
  auto spec = queue(name, {key("#")});
  spec.max_deliveries = 1;
  spec.prefetch = 2;
  RabbitBus bus(shared_broker_options());
  std::promise<void> entered;
  std::atomic<bool> release{false};
  Recorder r;
  bus.subscribe(spec, r.consumer([&](const Delivery& d) {
    if (d.event_id == "blocker") {
      entered.set_value();
      while (!release) std::this_thread::sleep_for(1ms);
    }
    return Disposition::ack;
  }));
  bus.start();
  bus.publish({msg(key("k"), "blocker")});
  ASSERT_EQ(entered.get_future().wait_for(20s), std::future_status::ready);
  // Prefetched behind the batch in flight.
  bus.publish({msg(key("k"), "victim")});
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    release = true;
  });
  bus.stop();  // "victim" was prefetched, never handled
  releaser.join();
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"blocker"}));
  RabbitBus inspector(shared_broker_options());
  ASSERT_TRUE(eventually([&] { return inspector.dead_letter_count(name) == 1; }));
  EXPECT_EQ(inspector.ready_count(name), 0u);
  const auto dead = inspector.take_dead_letters(name, 5);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].event_id, "victim");
}

TEST(RabbitBus, BatchConsumersGetWhatIsWaitingUpToPrefetch) {
  const auto name = unique_queue("analytics");
  auto spec = queue(name, {key("#")});
  spec.prefetch = 8;
  {
    RabbitBus publisher(shared_broker_options());
    publisher.declare(spec);
    publisher.publish(msgs(key("k"), "e", 30));
  }
  RabbitBus bus(shared_broker_options());
  Recorder r;
  bus.subscribe(spec, r.batch_consumer([](const std::vector<Delivery>& batch) {
    std::vector<Disposition> out;
    for (const auto& d : batch)
      out.push_back(d.event_id == "e3" && d.delivery_count == 1 ? Disposition::retry
                                                                : Disposition::ack);
    return out;
  }));
  bus.start();
  ASSERT_TRUE(eventually([&] { return r.size() == 31; }));
  const auto sizes = r.batch_sizes();
  EXPECT_TRUE(std::all_of(sizes.begin(), sizes.end(), [](auto n) { return n >= 1 && n <= 8; }));
  EXPECT_GT(*std::max_element(sizes.begin(), sizes.end()), 1u) << "waiting messages are batched";
  EXPECT_EQ(r.counts_of("e3"), (std::vector<int>{1, 2})) << "only the retried one came back";
  EXPECT_EQ(r.counts_of("e4"), (std::vector<int>{1}));
  ASSERT_TRUE(eventually([&] { return bus.ready_count(name) == 0; }));
}

TEST(RabbitBus, AThrowingBatchConsumerRetriesTheWholeBatch) {
  RabbitBus bus(shared_broker_options());
  Recorder r;
  std::atomic<int> calls{0};
  bus.subscribe(queue(unique_queue("analytics"), {key("#")}),
                r.batch_consumer([&](const std::vector<Delivery>& batch) {
                  if (calls++ == 0) throw std::runtime_error("database is locked");
                  return std::vector<Disposition>(batch.size(), Disposition::ack);
                }));
  bus.start();
  bus.publish({msg(key("k"), "a")});
  ASSERT_TRUE(eventually([&] { return r.size() == 2; }));
  EXPECT_EQ(r.counts_of("a"), (std::vector<int>{1, 2}));
}

TEST(RabbitBus, TransientQueuesArePerInstanceAndCountTheirRetries) {
  // Two gateway instances, each with its own SSE queue: both see every event.
  RabbitBus one(shared_broker_options()), two(shared_broker_options());
  Recorder r1, r2;
  const auto name = unique_queue("sse");
  auto spec = queue(name, {key("ticket.#")}, /*durable=*/false);
  spec.max_deliveries = 2;
  one.subscribe(spec, r1.consumer([](const Delivery& d) {
    return d.event_id == "flaky" ? Disposition::retry : Disposition::ack;
  }));
  two.subscribe(spec, r2.consumer());
  one.start();
  two.start();
  ASSERT_TRUE(eventually([&] { return one.consuming(name) && two.consuming(name); }));
  one.publish({msg(key("ticket.created"), "t1"), msg(key("ticket.created"), "flaky")});
  ASSERT_TRUE(eventually([&] { return r2.size() == 2 && r1.counts_of("flaky").size() == 2; }));
  EXPECT_EQ(r2.ids(), (std::vector<std::string>{"t1", "flaky"}));
  EXPECT_EQ(r1.counts_of("t1"), (std::vector<int>{1}));
  EXPECT_EQ(r1.counts_of("flaky"), (std::vector<int>{1, 2}))
      << "then dead-lettered: max_deliveries";
  EXPECT_EQ(r1.seen()[0].queue, name) << "the bus's name, not the broker's";
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(r1.counts_of("flaky").size(), 2u);

  // A stopped instance's queue is gone; the other one goes on.
  one.stop();
  two.publish({msg(key("ticket.routed"), "t2")});
  ASSERT_TRUE(eventually([&] { return r2.size() == 3; }));
  EXPECT_EQ(r1.size(), 3u);
}

TEST(RabbitBus, ATransientQueuesDeadLettersAreKeptInADurableQueueAndCounted) {
  const auto name = unique_queue("gateway");
  {
    RabbitBus bus(shared_broker_options());
    Recorder r;
    auto spec = queue(name, {key("ticket.#")}, /*durable=*/false);
    spec.max_deliveries = 2;
    bus.subscribe(spec, r.consumer([](const Delivery& d) {
      if (d.event_id == "poison") return Disposition::retry;
      return d.event_id == "malformed" ? Disposition::dead_letter : Disposition::ack;
    }));
    bus.start();
    ASSERT_TRUE(eventually([&] { return bus.consuming(name); }));
    bus.publish({msg(key("ticket.created"), "poison"), msg(key("ticket.created"), "malformed"),
                 msg(key("ticket.created"), "fine")});
    ASSERT_TRUE(eventually([&] { return bus.dead_letter_count(name) == 2; }));
    bus.stop();  // the transient queue goes with its connection
  }
  RabbitBus inspector(shared_broker_options());
  EXPECT_EQ(inspector.dead_letter_count(name), 2u) << "kept after its queue is gone";
  const auto dead = inspector.take_dead_letters(name, 5);
  std::set<std::string> ids;
  for (const auto& d : dead) ids.insert(d.event_id);
  EXPECT_EQ(ids, (std::set<std::string>{"poison", "malformed"}));
}

TEST(RabbitBus, TwoConsumersOfOneDurableQueueSplitTheWork) {
  const auto name = unique_queue("categorizer");
  auto spec = queue(name, {key("#")});
  spec.prefetch = 1;
  RabbitBus one(shared_broker_options()), two(shared_broker_options());
  std::mutex mu;
  std::map<std::string, int> deliveries;
  std::atomic<int> by_one{0}, by_two{0};
  auto handler = [&](std::atomic<int>& mine) {
    return one_at_a_time([&](const Delivery& d) {
      std::this_thread::sleep_for(5ms);  // a handler with some work to do
      {
        std::lock_guard lk(mu);
        ++deliveries[d.event_id];
      }
      ++mine;
      return Disposition::ack;
    });
  };
  one.subscribe(spec, handler(by_one));
  two.subscribe(spec, handler(by_two));
  one.start();
  two.start();
  ASSERT_TRUE(eventually([&] { return one.consuming(name) && two.consuming(name); }));
  one.publish(msgs(key("k"), "t", 60));
  ASSERT_TRUE(eventually([&] { return by_one + by_two == 60; }));
  std::lock_guard lk(mu);
  EXPECT_EQ(deliveries.size(), 60u);
  for (const auto& [id, n] : deliveries) EXPECT_EQ(n, 1) << id;
  EXPECT_GT(by_one.load(), 0);
  EXPECT_GT(by_two.load(), 0);
}

TEST(RabbitBus, StopIsPromptAndLeavesUnhandledMessagesQueued) {
  const auto name = unique_queue("routing");
  RabbitBus bus(shared_broker_options());
  Recorder r;
  std::promise<void> entered;
  std::atomic<bool> release{false};
  bus.subscribe(queue(name, {key("#")}), r.consumer([&](const Delivery& d) {
    if (d.event_id == "in-flight") {
      entered.set_value();
      while (!release) std::this_thread::sleep_for(1ms);
    }
    return Disposition::ack;
  }));
  bus.start();
  bus.publish({msg(key("k"), "in-flight")});
  ASSERT_EQ(entered.get_future().wait_for(20s), std::future_status::ready);
  // Prefetched behind the batch in flight.
  bus.publish({msg(key("k"), "second"), msg(key("k"), "third")});
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    release = true;
  });
  bus.stop();  // waits for the handler in flight, acks it, leaves the rest
  releaser.join();
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"in-flight"}));
  RabbitBus inspector(shared_broker_options());
  ASSERT_TRUE(eventually([&] { return inspector.ready_count(name) == 2; }));
  bus.stop();  // idempotent

  RabbitBus next(shared_broker_options());
  Recorder r2;
  next.subscribe(queue(name, {key("#")}), r2.consumer());
  next.start();
  ASSERT_TRUE(eventually([&] { return r2.size() == 2; }));
  EXPECT_EQ(r2.ids(), (std::vector<std::string>{"second", "third"})) << "in order";
  // No handler saw them, but they had been handed to the first consumer (prefetch), and
  // RabbitMQ 3.10 counts every return to the queue as a delivery.
  for (const auto& d : r2.seen()) EXPECT_EQ(d.delivery_count, 2) << d.event_id;
}

TEST(RabbitBus, MisuseIsRejected) {
  RabbitBus bus(shared_broker_options());
  auto ok = one_at_a_time([](const Delivery&) { return Disposition::ack; });
  const auto name = unique_queue("q");
  bus.subscribe(queue(name, {key("#")}), ok);
  EXPECT_THROW(bus.subscribe(queue(name, {"x"}), ok), std::invalid_argument);
  EXPECT_THROW(bus.subscribe(queue("", {"x"}), ok), std::invalid_argument);
  EXPECT_THROW(bus.subscribe(queue(unique_queue("r"), {}), ok), std::invalid_argument);
  EXPECT_THROW(bus.subscribe(queue(unique_queue("r"), {"x"}), nullptr), std::invalid_argument);
  EXPECT_THROW(bus.declare(queue(unique_queue("t"), {"x"}, /*durable=*/false)),
               std::invalid_argument);
  EXPECT_THROW(bus.consuming("unknown"), std::invalid_argument);
  bus.start();
  bus.start();  // idempotent
  EXPECT_THROW(bus.subscribe(queue(unique_queue("late"), {"x"}), ok), std::logic_error);
  bus.stop();
  EXPECT_THROW(bus.start(), std::logic_error);
}

TEST(RabbitBus, AnUnreachableBrokerMeansUnavailableNotACrash) {
  // Nobody listens on the port of a socket that was just closed.
  auto options = fast_options("amqp://guest:secret-pw@127.0.0.1:1/");
  RabbitBus bus(options);
  Recorder r;
  const auto name = unique_queue("q");
  bus.subscribe(queue(name, {"#"}), r.consumer());
  EXPECT_NO_THROW(bus.start()) << "consumers keep trying in the background";
  try {
    bus.publish({msg(key("k"), "e1")});
    ADD_FAILURE() << "publish to a dead broker returned";
  } catch (const ports::Unavailable& ex) {
    EXPECT_EQ(std::string(ex.what()).find("secret-pw"), std::string::npos) << ex.what();
    EXPECT_NE(std::string(ex.what()).find("127.0.0.1:1"), std::string::npos) << ex.what();
  }
  EXPECT_FALSE(bus.probe().ok);
  EXPECT_FALSE(bus.consuming(name));
  bus.stop();
}

}  // namespace
}  // namespace st::adapters::rabbitmq::test
