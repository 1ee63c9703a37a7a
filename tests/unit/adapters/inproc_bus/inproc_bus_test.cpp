#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/inproc_bus/inproc_bus.hpp"
#include "adapters/inproc_bus/memory_queue_store.hpp"
#include "messaging/one_at_a_time.hpp"
#include "unit/adapters/inproc_bus/bus_test_support.hpp"

namespace st::adapters::inproc {
namespace {

using namespace std::chrono_literals;
using messaging::one_at_a_time;
using ports::Delivery;
using ports::Disposition;
using ports::OutgoingMessage;
using ports::QueueSpec;
using test_support::eventually;
using test_support::msg;

QueueSpec queue(std::string name, std::vector<std::string> bindings, bool durable = true) {
  QueueSpec spec;
  spec.name = std::move(name);
  spec.bindings = std::move(bindings);
  spec.durable = durable;
  return spec;
}

// Thread-safe log of what a consumer saw, one delivery at a time; acks everything unless
// told otherwise.
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
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return seen_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Delivery> seen_;
};

// Wraps the memory store to count calls and inject failures.
class CountingStore : public ports::QueueStore {
 public:
  explicit CountingStore(MemoryQueueStore& inner) : inner_(inner) {}
  std::vector<ports::StoredMessage> enqueue(const std::vector<std::string>& queues,
                                            const std::vector<OutgoingMessage>& messages) override {
    ++enqueue_calls;
    if (fail_enqueue) throw std::runtime_error("disk full");
    return inner_.enqueue(queues, messages);
  }
  std::vector<ports::StoredMessage> pending(const std::string& queue) override {
    return inner_.pending(queue);
  }
  void ack(const std::string& queue, const std::vector<std::int64_t>& seqs) override {
    ++ack_calls;
    if (fail_ack) throw std::runtime_error("disk gone");
    inner_.ack(queue, seqs);
  }
  void count_delivery(const std::string& queue, std::int64_t seq) override {
    ++count_calls;
    inner_.count_delivery(queue, seq);
  }
  void dead_letter(const std::string& queue, std::int64_t seq, const std::string& reason) override {
    inner_.dead_letter(queue, seq, reason);
  }
  std::vector<ports::StoredMessage> dead_letters(const std::string& queue) override {
    return inner_.dead_letters(queue);
  }
  void keep_dead_letter(const std::string& queue, const OutgoingMessage& message,
                        int delivery_count, const std::string& reason) override {
    inner_.keep_dead_letter(queue, message, delivery_count, reason);
  }
  std::size_t dead_letter_count(const std::string& queue) override {
    return inner_.dead_letter_count(queue);
  }
  ports::DeadLetterReport dead_letter_report(const std::string& queue,
                                             std::size_t sample) override {
    return inner_.dead_letter_report(queue, sample);
  }
  std::vector<ports::StoredMessage> requeue_dead_letters(
      const std::string& queue, const std::optional<std::string>& event_id) override {
    return inner_.requeue_dead_letters(queue, event_id);
  }
  std::size_t purge_dead_letters(const std::string& queue) override {
    return inner_.purge_dead_letters(queue);
  }

  std::atomic<int> enqueue_calls{0};
  std::atomic<int> ack_calls{0};
  std::atomic<int> count_calls{0};
  std::atomic<bool> fail_enqueue{false};
  std::atomic<bool> fail_ack{false};

 private:
  MemoryQueueStore& inner_;
};

bool drained(const InProcBus& bus, const std::vector<std::string>& queues) {
  return eventually([&] {
    for (const auto& q : queues)
      if (bus.depth(q) != 0) return false;
    return true;
  });
}

TEST(InProcBusRouting, TopicBindingsFanOutToEveryMatchingQueue) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder categorizer, analytics, routing;
  bus.subscribe(queue("categorizer", {"ticket.created"}), categorizer.consumer());
  bus.subscribe(queue("analytics", {"ticket.#"}), analytics.consumer());
  bus.subscribe(queue("routing", {"ticket.*"}), routing.consumer());
  bus.start();

  bus.publish({msg("ticket.created", "e1"), msg("ticket.categorized", "e2"),
               msg("ticket.status.updated", "e3"), msg("ticket.created", "e4")});

  ASSERT_TRUE(drained(bus, {"categorizer", "analytics", "routing"}));
  EXPECT_EQ(categorizer.ids(), (std::vector<std::string>{"e1", "e4"}));
  EXPECT_EQ(analytics.ids(), (std::vector<std::string>{"e1", "e2", "e3", "e4"}));
  // '*' is exactly one word: ticket.status.updated is not ticket.*.
  EXPECT_EQ(routing.ids(), (std::vector<std::string>{"e1", "e2", "e4"}));

  const auto d = categorizer.seen().at(0);
  EXPECT_EQ(d.queue, "categorizer");
  EXPECT_EQ(d.routing_key, "ticket.created");
  EXPECT_EQ(d.body, R"({"id":"e1"})");
  EXPECT_EQ(d.traceparent, "00-trace-01");
  EXPECT_EQ(d.delivery_count, 1);
  EXPECT_TRUE(store.pending("analytics").empty()) << "acked messages leave the store";
}

TEST(InProcBusRouting, AQueueGetsOneCopyEvenWhenSeveralBindingsMatch) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("analytics", {"ticket.created", "ticket.*", "#"}), r.consumer());
  bus.start();
  bus.publish({msg("ticket.created", "e1")});
  ASSERT_TRUE(drained(bus, {"analytics"}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"e1"}));
}

TEST(InProcBusRouting, MessagesMatchingNoQueueAreDropped) {
  MemoryQueueStore inner;
  CountingStore store(inner);
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("categorizer", {"ticket.created"}), r.consumer());
  bus.start();

  bus.publish({msg("user.created", "lost"), msg("ticket.created.extra", "lost2")});
  EXPECT_EQ(bus.unroutable(), 2u);
  EXPECT_EQ(store.enqueue_calls, 0) << "nothing to store for an unbound key";
  // A later routable message is the only thing the consumer ever sees.
  bus.publish({msg("ticket.created", "kept")});
  ASSERT_TRUE(drained(bus, {"categorizer"}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"kept"}));
}

TEST(InProcBusDelivery, MessagesOfAQueueAreHandledInPublishOrder) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder r;
  auto spec = queue("analytics", {"#"});
  spec.prefetch = 7;  // batches that do not divide the message count
  bus.subscribe(spec, r.consumer());
  bus.start();

  std::vector<std::string> expected;
  for (int b = 0; b < 50; ++b) {
    std::vector<OutgoingMessage> batch;
    for (int i = 0; i < 10; ++i) {
      expected.push_back("e" + std::to_string(b * 10 + i));
      // Alternating keys within a batch must not reorder the queue that gets both.
      batch.push_back(msg(i % 2 ? "ticket.created" : "ticket.routed", expected.back()));
    }
    bus.publish(batch);
  }
  ASSERT_TRUE(drained(bus, {"analytics"}));
  EXPECT_EQ(r.ids(), expected);
}

TEST(InProcBusDelivery, MixedKeysInOneBatchKeepEachQueueInOrder) {
  MemoryQueueStore store;
  InProcBus bus(store, {.paused = true});
  Recorder analytics, categorizer;
  bus.subscribe(queue("analytics", {"ticket.#"}), analytics.consumer());
  bus.subscribe(queue("categorizer", {"ticket.created"}), categorizer.consumer());
  bus.start();
  bus.publish({msg("ticket.status.updated", "s1"), msg("ticket.created", "c2"),
               msg("ticket.status.updated", "s3")});
  bus.resume();
  ASSERT_TRUE(drained(bus, {"analytics", "categorizer"}));
  EXPECT_EQ(analytics.ids(), (std::vector<std::string>{"s1", "c2", "s3"}));
  EXPECT_EQ(categorizer.ids(), (std::vector<std::string>{"c2"}));
}

TEST(InProcBusDelivery, OneStoreWritePerPublishAndAcksAreBatched) {
  MemoryQueueStore inner;
  CountingStore store(inner);
  InProcBus::Options options;
  options.paused = true;
  InProcBus bus(store, options);
  Recorder a, b;
  auto spec_a = queue("a", {"ticket.created"});
  spec_a.prefetch = 64;
  bus.subscribe(spec_a, a.consumer());
  bus.subscribe(queue("b", {"ticket.#"}), b.consumer());
  bus.start();

  std::vector<OutgoingMessage> batch;
  for (int i = 0; i < 200; ++i) batch.push_back(msg("ticket.created", "e" + std::to_string(i)));
  bus.publish(batch);
  EXPECT_EQ(store.enqueue_calls, 1) << "one durable write (publisher confirm) for the batch";
  EXPECT_EQ(inner.pending("a").size(), 200u);
  EXPECT_EQ(inner.pending("b").size(), 200u);
  EXPECT_EQ(bus.depth("a"), 200u);

  bus.resume();
  ASSERT_TRUE(drained(bus, {"a", "b"}));
  EXPECT_EQ(a.size(), 200u);
  EXPECT_EQ(b.size(), 200u);
  // 200 messages in batches of at most 64 per queue: 4 acks each, not 200.
  EXPECT_LE(store.ack_calls, 8);
  EXPECT_TRUE(inner.pending("a").empty());
  EXPECT_TRUE(inner.pending("b").empty());
}

TEST(InProcBusRetry, AThrowingHandlerIsRetriedWhileTheQueueGoesOn) {
  MemoryQueueStore inner;
  CountingStore store(inner);
  InProcBus bus(store, {.paused = true});
  Recorder r;
  std::atomic<int> attempts{0};
  bus.subscribe(queue("routing", {"ticket.categorized"}), r.consumer([&](const Delivery& d) {
    if (d.event_id == "flaky" && ++attempts < 3) throw std::runtime_error("db locked");
    return Disposition::ack;
  }));
  bus.start();
  bus.publish({msg("ticket.categorized", "flaky"), msg("ticket.categorized", "next")});
  bus.resume();

  ASSERT_TRUE(drained(bus, {"routing"}));
  // The failed message waits out its backoff; the one behind it is not held up.
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"flaky", "next", "flaky", "flaky"}));
  std::vector<int> counts;
  for (const auto& d : r.seen())
    if (d.event_id == "flaky") counts.push_back(d.delivery_count);
  EXPECT_EQ(counts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(store.count_calls, 2) << "each failed attempt is persisted";
  EXPECT_TRUE(inner.pending("routing").empty());
  EXPECT_TRUE(inner.dead_letters("routing").empty());
  EXPECT_EQ(bus.stats("routing").retried, 2u);
  EXPECT_EQ(bus.stats("routing").acked, 2u);
}

TEST(InProcBusRetry, DeadLettersAfterMaxDeliveries) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder r;
  auto spec = queue("routing", {"ticket.categorized"});
  spec.max_deliveries = 3;
  bus.subscribe(spec, r.consumer([](const Delivery& d) {
    return d.event_id == "poison" ? Disposition::retry : Disposition::ack;
  }));
  bus.start();
  bus.publish({msg("ticket.categorized", "poison"), msg("ticket.categorized", "good")});

  ASSERT_TRUE(drained(bus, {"routing"}));
  std::vector<int> counts;
  for (const auto& d : r.seen())
    if (d.event_id == "poison") counts.push_back(d.delivery_count);
  EXPECT_EQ(counts, (std::vector<int>{1, 2, 3}));
  auto dead = store.dead_letters("routing");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message.event_id, "poison");
  auto reason = store.dead_letter_reason("routing", dead[0].seq);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("3 deliveries"), std::string::npos) << *reason;
  EXPECT_TRUE(store.pending("routing").empty());
  EXPECT_EQ(bus.stats("routing").dead_lettered, 1u);
  EXPECT_EQ(bus.dead_letters("routing").size(), 1u);
}

TEST(InProcBusRetry, DeadLetterDispositionActsAtOnce) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("categorizer", {"ticket.created"}), r.consumer([](const Delivery& d) {
    return d.event_id == "garbage" ? Disposition::dead_letter : Disposition::ack;
  }));
  bus.start();
  bus.publish({msg("ticket.created", "garbage"), msg("ticket.created", "fine")});
  ASSERT_TRUE(drained(bus, {"categorizer"}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"garbage", "fine"})) << "delivered once only";
  auto dead = store.dead_letters("categorizer");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message.event_id, "garbage");
  EXPECT_NE(store.dead_letter_reason("categorizer", dead[0].seq)->find("rejected"),
            std::string::npos);
}

TEST(InProcBusDeadLetters, ReplayDeliversTheDeadLettersAgainWithAFreshAllowance) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder r;
  std::atomic<bool> healed{false};
  bus.subscribe(queue("categorizer", {"ticket.created"}), r.consumer([&](const Delivery& d) {
    return d.event_id.starts_with("bad") && !healed ? Disposition::dead_letter : Disposition::ack;
  }));
  bus.start();
  bus.publish({msg("ticket.created", "bad1"), msg("ticket.created", "bad2"),
               msg("ticket.created", "fine")});
  ASSERT_TRUE(drained(bus, {"categorizer"}));
  const auto before = bus.report("categorizer", 1);
  EXPECT_EQ(before.count, 2u);
  ASSERT_EQ(before.sample.size(), 1u);
  EXPECT_EQ(before.sample[0].event_id, "bad1");
  EXPECT_EQ(before.sample[0].event_type, "ticket.created");
  EXPECT_EQ(before.sample[0].attempts, 1) << "the one delivery it had";

  healed = true;
  EXPECT_EQ(bus.replay("categorizer", std::string("bad2")), 1u);
  ASSERT_TRUE(eventually([&] { return r.ids().size() == 4; }));
  EXPECT_EQ(r.ids().back(), "bad2");
  EXPECT_EQ(r.seen().back().delivery_count, 1) << "a fresh allowance";
  EXPECT_EQ(bus.dead_letter_count("categorizer"), 1u);

  EXPECT_EQ(bus.replay("categorizer", std::nullopt), 1u);
  ASSERT_TRUE(eventually([&] { return r.ids().size() == 5; }));
  ASSERT_TRUE(drained(bus, {"categorizer"}));
  EXPECT_EQ(bus.dead_letter_count("categorizer"), 0u);
  EXPECT_TRUE(store.pending("categorizer").empty()) << "the replayed deliveries were acked";
}

TEST(InProcBusDeadLetters, PurgeDropsThemAndATransientQueueIsNotReplayed) {
  MemoryQueueStore store;
  InProcBus bus(store);
  bus.subscribe(queue("sse", {"#"}, /*durable=*/false),
                one_at_a_time([](const Delivery&) { return Disposition::dead_letter; }));
  bus.start();
  bus.publish({msg("ticket.created", "e1"), msg("ticket.created", "e2")});
  ASSERT_TRUE(drained(bus, {"sse"}));
  EXPECT_THROW(bus.replay("sse", std::nullopt), std::invalid_argument);
  EXPECT_THROW(bus.replay("nope", std::nullopt), std::invalid_argument);
  EXPECT_EQ(bus.dead_letter_count("sse"), 2u);
  EXPECT_EQ(bus.purge("sse"), 2u);
  EXPECT_EQ(bus.dead_letter_count("sse"), 0u);
}

TEST(InProcBusRetry, AFailingHandlerDoesNotSpin) {
  MemoryQueueStore store;
  InProcBus::Options options;
  options.retry_backoff_initial = 40ms;
  options.retry_backoff_max = 40ms;
  InProcBus bus(store, options);
  std::atomic<int> calls{0};
  auto spec = queue("q", {"#"});
  spec.max_deliveries = 1000;
  bus.subscribe(spec, one_at_a_time([&](const Delivery&) -> Disposition {
                  ++calls;
                  throw std::runtime_error("always");
                }));
  bus.start();
  bus.publish({msg("k", "e")});
  std::this_thread::sleep_for(400ms);
  bus.stop();
  // ~10 at one per 40 ms; a retry loop without backoff would make thousands.
  EXPECT_GE(calls.load(), 3);
  EXPECT_LE(calls.load(), 15);
}

TEST(InProcBusRetry, TransientQueuesKeepTheirDeadLettersInTheStore) {
  MemoryQueueStore store;
  InProcBus bus(store);
  auto spec = queue("sse", {"#"}, /*durable=*/false);
  spec.max_deliveries = 2;
  bus.subscribe(spec, one_at_a_time([](const Delivery&) { return Disposition::retry; }));
  bus.start();
  bus.publish({msg("ticket.created", "e1")});
  ASSERT_TRUE(drained(bus, {"sse"}));
  auto dead = bus.dead_letters("sse");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message.event_id, "e1");
  EXPECT_EQ(dead[0].delivery_count, 2);
  EXPECT_EQ(store.dead_letters("sse").size(), 1u) << "kept, not only in memory";
  EXPECT_EQ(bus.dead_letter_count("sse"), 1u);
  EXPECT_TRUE(store.pending("sse").empty());
}

TEST(InProcBusRetry, NoTransientDeadLetterIsForgottenPastAThousand) {
  MemoryQueueStore store;
  InProcBus bus(store);
  bus.subscribe(queue("sse", {"#"}, /*durable=*/false),
                one_at_a_time([](const Delivery&) { return Disposition::dead_letter; }));
  bus.start();
  std::vector<OutgoingMessage> batch;
  for (int i = 0; i < 1100; ++i) batch.push_back(msg("ticket.created", "e" + std::to_string(i)));
  bus.publish(batch);
  ASSERT_TRUE(drained(bus, {"sse"}));
  EXPECT_EQ(bus.dead_letter_count("sse"), 1100u);
  EXPECT_EQ(bus.dead_letters("sse").front().message.event_id, "e0");
}

TEST(InProcBusDurability, UnackedMessagesAreRedeliveredAfterARestart) {
  MemoryQueueStore store;
  {
    // The "process" accepts events but dies before handling them.
    InProcBus bus(store, {.paused = true});
    Recorder never;
    bus.subscribe(queue("categorizer", {"ticket.created"}), never.consumer());
    bus.start();
    bus.publish({msg("ticket.created", "e1"), msg("ticket.created", "e2")});
    EXPECT_EQ(bus.depth("categorizer"), 2u);
    bus.stop();
    EXPECT_EQ(never.size(), 0u);
  }
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("categorizer", {"ticket.created"}), r.consumer());
  bus.start();
  bus.publish({msg("ticket.created", "e3")});
  ASSERT_TRUE(drained(bus, {"categorizer"}));
  // Left-over messages come first, then what was published after the restart.
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"e1", "e2", "e3"}));
  EXPECT_TRUE(store.pending("categorizer").empty());
}

TEST(InProcBusDurability, AckedMessagesAreNotRedeliveredAndCountsSurvive) {
  MemoryQueueStore store;
  {
    InProcBus::Options options;
    options.retry_backoff_initial = 60s;  // "b" is still waiting to be retried at shutdown
    options.retry_backoff_max = 60s;
    InProcBus bus(store, options);
    Recorder r;
    bus.subscribe(queue("routing", {"#"}), r.consumer([](const Delivery& d) {
      return d.event_id == "b" ? Disposition::retry : Disposition::ack;
    }));
    bus.start();
    bus.publish({msg("k", "a"), msg("k", "b"), msg("k", "c")});
    ASSERT_TRUE(eventually([&] {
      auto s = bus.stats("routing");
      return s.acked == 2 && s.retried == 1;
    }));
    bus.stop();
    EXPECT_EQ(bus.depth("routing"), 1u) << "the retry is still queued";
  }
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("routing", {"#"}), r.consumer());
  bus.start();
  ASSERT_TRUE(drained(bus, {"routing"}));
  ASSERT_EQ(r.ids(), (std::vector<std::string>{"b"}));
  EXPECT_EQ(r.seen()[0].delivery_count, 2) << "the failed attempt of the last run counts";
}

TEST(InProcBusDurability, MessagesWhoseAckWasNotWrittenComeBack) {
  // Stands for a crash between the handlers and the batch ack.
  MemoryQueueStore inner;
  CountingStore store(inner);
  store.fail_ack = true;
  {
    InProcBus bus(store);
    Recorder r;
    bus.subscribe(queue("analytics", {"#"}), r.consumer());
    bus.start();
    bus.publish({msg("k", "e1"), msg("k", "e2")});
    ASSERT_TRUE(drained(bus, {"analytics"}));
    EXPECT_EQ(r.size(), 2u);
  }
  store.fail_ack = false;
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("analytics", {"#"}), r.consumer());
  bus.start();
  ASSERT_TRUE(drained(bus, {"analytics"}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"e1", "e2"}));
  EXPECT_TRUE(inner.pending("analytics").empty());
}

TEST(InProcBusDurability, TransientQueuesAreNotPersisted) {
  MemoryQueueStore inner;
  CountingStore store(inner);
  {
    InProcBus bus(store, {.paused = true});
    Recorder r;
    bus.subscribe(queue("sse", {"ticket.#"}, /*durable=*/false), r.consumer());
    bus.start();
    bus.publish({msg("ticket.created", "e1")});
    EXPECT_EQ(bus.depth("sse"), 1u);
    EXPECT_EQ(store.enqueue_calls, 0);
    EXPECT_TRUE(inner.pending("sse").empty());
    bus.resume();
    ASSERT_TRUE(drained(bus, {"sse"}));
    EXPECT_EQ(r.ids(), (std::vector<std::string>{"e1"}));
    bus.pause();
    bus.publish({msg("ticket.created", "lost-on-restart")});
  }
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("sse", {"ticket.#"}, /*durable=*/false), r.consumer());
  bus.start();
  bus.publish({msg("ticket.created", "e2")});
  ASSERT_TRUE(drained(bus, {"sse"}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"e2"}));
}

TEST(InProcBusDurability, PublishBeforeStartIsDeliveredExactlyOnce) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder durable, transient;
  bus.subscribe(queue("d", {"#"}), durable.consumer());
  bus.subscribe(queue("t", {"#"}, false), transient.consumer());
  bus.publish({msg("k", "early")});
  EXPECT_EQ(store.pending("d").size(), 1u) << "stored before start";
  bus.start();
  bus.publish({msg("k", "late")});
  ASSERT_TRUE(drained(bus, {"d", "t"}));
  EXPECT_EQ(durable.ids(), (std::vector<std::string>{"early", "late"}));
  EXPECT_EQ(transient.ids(), (std::vector<std::string>{"early", "late"}));
}

TEST(InProcBusDurability, PublishThrowsWhenTheStoreFails) {
  MemoryQueueStore inner;
  CountingStore store(inner);
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("d", {"#"}), r.consumer());
  bus.start();
  store.fail_enqueue = true;
  EXPECT_THROW(bus.publish({msg("k", "e1")}), std::runtime_error);
  EXPECT_EQ(bus.depth("d"), 0u) << "an unconfirmed message is not delivered";
  store.fail_enqueue = false;
  bus.publish({msg("k", "e1")});
  ASSERT_TRUE(drained(bus, {"d"}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"e1"}));
}

TEST(InProcBusLifecycle, StopWaitsForTheHandlerInFlight) {
  MemoryQueueStore store;
  InProcBus bus(store);
  std::promise<void> entered;
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  std::atomic<int> calls{0};
  bus.subscribe(queue("categorizer", {"#"}), one_at_a_time([&](const Delivery&) {
                  if (calls++ == 0) {
                    entered.set_value();
                    while (!release) std::this_thread::sleep_for(1ms);
                    std::this_thread::sleep_for(50ms);
                    finished = true;
                  }
                  return Disposition::ack;
                }));
  bus.start();
  bus.publish({msg("k", "slow")});
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);
  // Queued behind the batch in flight.
  bus.publish({msg("k", "second"), msg("k", "third")});

  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    release = true;
  });
  bus.stop();
  releaser.join();
  EXPECT_TRUE(finished) << "stop() returned while a handler was running";
  EXPECT_EQ(calls, 1) << "nothing new is delivered once stopping";
  auto pending = store.pending("categorizer");
  ASSERT_EQ(pending.size(), 2u) << "the finished handler's ack was written";
  EXPECT_EQ(pending[0].message.event_id, "second");
  bus.stop();  // idempotent
}

TEST(InProcBusLifecycle, PauseHoldsDeliveriesUntilResume) {
  MemoryQueueStore store;
  InProcBus bus(store, {.paused = true});
  Recorder r;
  bus.subscribe(queue("q", {"#"}), r.consumer());
  bus.start();
  EXPECT_TRUE(bus.paused());
  for (int i = 0; i < 10; ++i) bus.publish({msg("k", "a" + std::to_string(i))});
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(bus.depth("q"), 10u);

  bus.resume();
  ASSERT_TRUE(drained(bus, {"q"}));
  EXPECT_EQ(r.size(), 10u);

  bus.pause();
  bus.publish({msg("k", "b0"), msg("k", "b1")});
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(r.size(), 10u);
  EXPECT_EQ(bus.depth("q"), 2u);
  bus.resume();
  ASSERT_TRUE(drained(bus, {"q"}));
  EXPECT_EQ(r.size(), 12u);
}

TEST(InProcBusLifecycle, MisuseIsRejected) {
  MemoryQueueStore store;
  InProcBus bus(store);
  Recorder r;
  bus.subscribe(queue("q", {"#"}), r.consumer());
  EXPECT_THROW(bus.subscribe(queue("q", {"x"}), r.consumer()), std::invalid_argument);
  EXPECT_THROW(bus.subscribe(queue("", {"x"}), r.consumer()), std::invalid_argument);
  EXPECT_THROW(bus.subscribe(queue("r", {"x"}), nullptr), std::invalid_argument);
  auto no_prefetch = queue("r", {"x"});
  no_prefetch.prefetch = 0;
  EXPECT_THROW(bus.subscribe(no_prefetch, r.consumer()), std::invalid_argument);
  EXPECT_THROW(bus.depth("nope"), std::invalid_argument);
  bus.start();
  bus.start();  // idempotent
  EXPECT_THROW(bus.subscribe(queue("late", {"x"}), r.consumer()), std::logic_error);
  bus.stop();
  EXPECT_THROW(bus.start(), std::logic_error);
}

TEST(InProcBusConcurrency, ConcurrentPublishersDeliverEveryMessageExactlyOnce) {
  MemoryQueueStore store;
  InProcBus bus(store);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;

  std::mutex mu;
  std::map<std::string, std::map<std::string, int>> counts;  // queue -> event -> deliveries
  std::map<std::string, std::vector<std::string>> order;     // queue -> event ids seen
  auto consumer = one_at_a_time([&](const Delivery& d) {
    std::lock_guard lk(mu);
    ++counts[d.queue][d.event_id];
    order[d.queue].push_back(d.event_id);
    return Disposition::ack;
  });
  bus.subscribe(queue("durable", {"ticket.#"}), consumer);
  bus.subscribe(queue("transient", {"ticket.created"}, false), consumer);
  bus.start();

  std::vector<std::thread> publishers;
  for (int t = 0; t < kThreads; ++t) {
    publishers.emplace_back([&bus, t] {
      int i = 0;
      while (i < kPerThread) {
        std::vector<OutgoingMessage> batch;
        for (int n = 0; n < 1 + (i % 7) && i < kPerThread; ++n, ++i)
          batch.push_back(msg("ticket.created", std::to_string(t) + ":" + std::to_string(i)));
        bus.publish(batch);
      }
    });
  }
  for (auto& p : publishers) p.join();
  ASSERT_TRUE(drained(bus, {"durable", "transient"}));

  std::lock_guard lk(mu);
  for (const std::string q : {"durable", "transient"}) {
    ASSERT_EQ(counts[q].size(), static_cast<std::size_t>(kThreads * kPerThread)) << q;
    for (const auto& [id, n] : counts[q]) ASSERT_EQ(n, 1) << q << " " << id;
    // Each publisher's own messages arrive in the order it published them.
    std::vector<int> last(kThreads, -1);
    for (const auto& id : order[q]) {
      const auto colon = id.find(':');
      const int t = std::stoi(id.substr(0, colon));
      const int i = std::stoi(id.substr(colon + 1));
      ASSERT_GT(i, last[t]) << q << " " << id;
      last[t] = i;
    }
  }
  EXPECT_TRUE(store.pending("durable").empty());
}

TEST(InProcBusConcurrency, PublishingWhileStartingDeliversEachMessageOnce) {
  // A message published around start() is either loaded from the store by start() or
  // appended by its publisher; never both, never neither.
  MemoryQueueStore store;
  InProcBus bus(store);
  std::mutex mu;
  std::map<std::string, int> counts;
  bus.subscribe(queue("q", {"#"}), one_at_a_time([&](const Delivery& d) {
                  std::lock_guard lk(mu);
                  ++counts[d.event_id];
                  return Disposition::ack;
                }));
  std::atomic<bool> go{false};
  std::vector<std::thread> publishers;
  for (int t = 0; t < 4; ++t) {
    publishers.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 500; ++i)
        bus.publish({msg("k", std::to_string(t) + ":" + std::to_string(i))});
    });
  }
  go = true;
  std::this_thread::sleep_for(1ms);
  bus.start();
  for (auto& p : publishers) p.join();
  ASSERT_TRUE(drained(bus, {"q"}));
  std::lock_guard lk(mu);
  ASSERT_EQ(counts.size(), 2000u);
  for (const auto& [id, n] : counts) ASSERT_EQ(n, 1) << id;
}

}  // namespace
}  // namespace st::adapters::inproc
