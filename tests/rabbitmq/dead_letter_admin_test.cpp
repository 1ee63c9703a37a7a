// RabbitDeadLetterAdmin against the real broker: report, replay (all or one), purge.
#include "adapters/rabbitmq/dead_letter_admin.hpp"

#include <set>
#include <string>

#include "ports/unavailable.hpp"
#include "rabbit_test_support.hpp"

namespace st::adapters::rabbitmq::test {
namespace {

// A durable queue whose consumer dead-letters what `poisoned` names (and acks the rest),
// with two poisoned messages already in its dead-letter queue.
struct PoisonedQueue {
  PoisonedQueue() {
    bus.subscribe(queue(name, {key("#")}), r.consumer([this](const Delivery& d) {
      return poisoned.contains(d.event_id) && !healed ? Disposition::dead_letter : Disposition::ack;
    }));
    bus.start();
    bus.publish(
        {msg(key("created"), "bad1"), msg(key("created"), "good"), msg(key("routed"), "bad2")});
  }

  Recorder r;
  const std::string name = unique_queue("categorizer");
  const std::set<std::string> poisoned{"bad1", "bad2"};
  std::atomic<bool> healed{false};
  RabbitDeadLetterAdmin admin{shared_broker_options(), {name}};
  RabbitBus bus{shared_broker_options()};  // last: stopped before what its consumer uses
};

TEST(RabbitDeadLetterAdmin, ReportCountsAndSamplesWithoutTakingThem) {
  PoisonedQueue p;
  ASSERT_TRUE(eventually([&] { return p.bus.dead_letter_count(p.name) == 2; }));

  const auto report = p.admin.report(p.name, 5);
  EXPECT_EQ(report.queue, p.name);
  EXPECT_EQ(report.count, 2u);
  ASSERT_EQ(report.sample.size(), 2u);
  EXPECT_EQ(report.sample[0].event_id, "bad1");
  EXPECT_EQ(report.sample[0].event_type, key("created")) << "the original routing key";
  EXPECT_EQ(report.sample[1].event_type, key("routed"));
  EXPECT_EQ(report.sample[0].reason, "rejected");
  EXPECT_EQ(report.sample[0].attempts, 1);
  ASSERT_TRUE(report.sample[0].dead_lettered_at.has_value());
  EXPECT_EQ(report.oldest_at, report.sample[0].dead_lettered_at);

  const auto one = p.admin.report(p.name, 1);
  EXPECT_EQ(one.sample.size(), 1u);
  EXPECT_EQ(one.sample[0].event_id, "bad1") << "the sample went back in its place";
  EXPECT_EQ(p.bus.dead_letter_count(p.name), 2u) << "a report takes nothing";
  EXPECT_TRUE(p.admin.report(p.name, 0).sample.empty());
}

TEST(RabbitDeadLetterAdmin, ReplayOneThenAllPutsThemBackOnTheirQueue) {
  PoisonedQueue p;
  ASSERT_TRUE(eventually([&] { return p.bus.dead_letter_count(p.name) == 2; }));
  p.healed = true;

  EXPECT_EQ(p.admin.replay(p.name, std::string("bad2")), 1u);
  ASSERT_TRUE(eventually([&] { return p.r.counts_of("bad2").size() == 2; }));
  EXPECT_EQ(p.bus.dead_letter_count(p.name), 1u);
  const auto seen = p.r.seen();
  EXPECT_EQ(seen.back().event_id, "bad2");
  EXPECT_EQ(seen.back().routing_key, key("routed")) << "the consumer sees the event's key";
  EXPECT_FALSE(seen.back().traceparent.empty());
  EXPECT_EQ(p.admin.replay(p.name, std::string("absent")), 0u);
  EXPECT_EQ(p.admin.report(p.name, 5).sample.at(0).event_id, "bad1") << "left in place";

  EXPECT_EQ(p.admin.replay(p.name, std::nullopt), 1u);
  ASSERT_TRUE(eventually([&] { return p.r.counts_of("bad1").size() == 2; }));
  EXPECT_EQ(p.bus.dead_letter_count(p.name), 0u);
  EXPECT_TRUE(eventually([&] { return p.bus.ready_count(p.name) == 0; }));
}

TEST(RabbitDeadLetterAdmin, PurgeCountsWhatItDropped) {
  PoisonedQueue p;
  ASSERT_TRUE(eventually([&] { return p.bus.dead_letter_count(p.name) == 2; }));
  EXPECT_EQ(p.admin.purge(p.name), 2u);
  EXPECT_EQ(p.bus.dead_letter_count(p.name), 0u);
  EXPECT_EQ(p.admin.purge(p.name), 0u);
  const auto report = p.admin.report(p.name, 5);
  EXPECT_EQ(report.count, 0u);
  EXPECT_FALSE(report.oldest_at.has_value());
}

TEST(RabbitDeadLetterAdmin, AQueueNobodyDeclaredHasNoDeadLetters) {
  RabbitDeadLetterAdmin admin(shared_broker_options(), {});
  EXPECT_EQ(admin.report(unique_queue("never"), 5).count, 0u);
}

TEST(RabbitDeadLetterAdmin, AnUnreachableBrokerIsUnavailable) {
  RabbitDeadLetterAdmin admin(fast_options("amqp://guest:guest@127.0.0.1:1/"), {});
  EXPECT_THROW(admin.report("q", 5), ports::Unavailable);
  EXPECT_THROW(admin.purge("q"), ports::Unavailable);
}

}  // namespace
}  // namespace st::adapters::rabbitmq::test
