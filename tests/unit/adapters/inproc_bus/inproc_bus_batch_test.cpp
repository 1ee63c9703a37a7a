// InProcBus::subscribe: how batches are formed and how their dispositions are applied.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/inproc_bus/inproc_bus.hpp"
#include "adapters/inproc_bus/memory_queue_store.hpp"
#include "unit/adapters/inproc_bus/bus_test_support.hpp"

namespace st::adapters::inproc {
namespace {

using namespace std::chrono_literals;
using ports::Delivery;
using ports::Disposition;
using ports::OutgoingMessage;
using ports::QueueSpec;
using test_support::eventually;
using test_support::msg;

std::vector<OutgoingMessage> msgs(const std::vector<std::string>& ids) {
  std::vector<OutgoingMessage> out;
  for (const auto& id : ids) out.push_back(msg("ticket.created", id));
  return out;
}

QueueSpec queue(std::string name, int prefetch = 64, bool durable = true) {
  QueueSpec spec;
  spec.name = std::move(name);
  spec.bindings = {"ticket.#"};
  spec.durable = durable;
  spec.prefetch = prefetch;
  return spec;
}

// Fast retries so redeliveries happen well within the bounded waits.
InProcBus::Options fast_retries() {
  InProcBus::Options o;
  o.retry_backoff_initial = 1ms;
  o.retry_backoff_max = 5ms;
  return o;
}

// Thread-safe log of every batch a consumer was called with.
class BatchRecorder {
 public:
  using Decide = std::function<std::vector<Disposition>(const std::vector<Delivery>&, int call)>;

  // Acks everything unless `decide` says otherwise. `call` counts from 1.
  ports::BatchConsumer consumer(Decide decide = nullptr) {
    return [this, decide](const std::vector<Delivery>& batch) {
      int call = 0;
      {
        std::lock_guard lk(mu_);
        batches_.push_back(batch);
        call = static_cast<int>(batches_.size());
      }
      if (decide) return decide(batch, call);
      return std::vector<Disposition>(batch.size(), Disposition::ack);
    };
  }
  std::vector<std::vector<Delivery>> batches() const {
    std::lock_guard lk(mu_);
    return batches_;
  }
  std::vector<std::size_t> sizes() const {
    std::lock_guard lk(mu_);
    std::vector<std::size_t> out;
    for (const auto& b : batches_) out.push_back(b.size());
    return out;
  }
  // The event ids of every delivery, flattened, in delivery order.
  std::vector<std::string> ids() const {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    for (const auto& b : batches_)
      for (const auto& d : b) out.push_back(d.event_id);
    return out;
  }
  std::vector<int> counts_of(const std::string& id) const {
    std::lock_guard lk(mu_);
    std::vector<int> out;
    for (const auto& b : batches_)
      for (const auto& d : b)
        if (d.event_id == id) out.push_back(d.delivery_count);
    return out;
  }
  std::size_t deliveries() const {
    std::lock_guard lk(mu_);
    std::size_t n = 0;
    for (const auto& b : batches_) n += b.size();
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::vector<Delivery>> batches_;
};

bool drained(const InProcBus& bus, const std::string& q) {
  return eventually([&] { return bus.depth(q) == 0; });
}

std::vector<std::string> dead_ids(const InProcBus& bus, const std::string& q) {
  std::vector<std::string> out;
  for (const auto& m : bus.dead_letters(q)) out.push_back(m.message.event_id);
  return out;
}

TEST(InProcBusBatch, MessagesQueuedBeforeStartArriveInBatchesOfPrefetchInOrder) {
  MemoryQueueStore store;
  InProcBus bus(store);
  BatchRecorder r;
  bus.subscribe(queue("analytics", /*prefetch=*/3), r.consumer());
  // Before start() the messages go to the store only; start() loads all seven at once, so
  // the worker finds them waiting and must cut them into batches of at most 3.
  bus.publish(msgs({"e1", "e2", "e3", "e4", "e5", "e6", "e7"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "analytics"));

  EXPECT_EQ(r.sizes(), (std::vector<std::size_t>{3, 3, 1}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"e1", "e2", "e3", "e4", "e5", "e6", "e7"}));
  const auto first = r.batches().at(0).at(0);
  EXPECT_EQ(first.queue, "analytics");
  EXPECT_EQ(first.routing_key, "ticket.created");
  EXPECT_EQ(first.body, R"({"id":"e1"})");
  EXPECT_EQ(first.traceparent, "00-trace-01");
  EXPECT_EQ(first.delivery_count, 1);
  EXPECT_TRUE(store.pending("analytics").empty());
  EXPECT_EQ(bus.stats("analytics").acked, 7u);
}

TEST(InProcBusBatch, PausedBusDeliversTheBacklogAsOneBatchOnResume) {
  MemoryQueueStore store;
  InProcBus::Options o;
  o.paused = true;
  InProcBus bus(store, o);
  BatchRecorder r;
  bus.subscribe(queue("analytics", /*prefetch=*/64, /*durable=*/false), r.consumer());
  bus.start();
  bus.publish(msgs({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(bus.depth("analytics"), 5u);
  bus.resume();
  ASSERT_TRUE(drained(bus, "analytics"));
  EXPECT_EQ(r.sizes(), (std::vector<std::size_t>{5}));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(InProcBusBatch, DispositionsApplyToEachDeliveryIndependently) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  bus.subscribe(queue("routing"), r.consumer([](const std::vector<Delivery>& batch, int) {
    std::vector<Disposition> out;
    for (const auto& d : batch) {
      if (d.event_id == "retry-once" && d.delivery_count == 1)
        out.push_back(Disposition::retry);
      else if (d.event_id == "poison")
        out.push_back(Disposition::dead_letter);
      else
        out.push_back(Disposition::ack);
    }
    return out;
  }));
  bus.publish(msgs({"ok1", "retry-once", "poison", "ok2"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "routing"));

  ASSERT_EQ(r.batches().at(0).size(), 4u) << "all four were waiting: one batch";
  EXPECT_EQ(r.counts_of("ok1"), (std::vector<int>{1})) << "acked: never redelivered";
  EXPECT_EQ(r.counts_of("ok2"), (std::vector<int>{1}));
  EXPECT_EQ(r.counts_of("poison"), (std::vector<int>{1})) << "dead-lettered at once";
  EXPECT_EQ(r.counts_of("retry-once"), (std::vector<int>{1, 2}))
      << "the retry alone comes back, with delivery_count + 1";
  EXPECT_EQ(dead_ids(bus, "routing"), (std::vector<std::string>{"poison"}));
  const auto dead = store.dead_letters("routing");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(store.dead_letter_reason("routing", dead[0].seq)->find("rejected"), std::string::npos);
  EXPECT_TRUE(store.pending("routing").empty());
  const auto s = bus.stats("routing");
  EXPECT_EQ(s.acked, 3u);
  EXPECT_EQ(s.retried, 1u);
  EXPECT_EQ(s.dead_lettered, 1u);
}

TEST(InProcBusBatch, AThrowingBatchConsumerRetriesEveryDeliveryOfTheBatch) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  bus.subscribe(queue("analytics"), r.consumer([](const std::vector<Delivery>& batch, int call) {
    if (call == 1) throw std::runtime_error("database is locked");
    return std::vector<Disposition>(batch.size(), Disposition::ack);
  }));
  bus.publish(msgs({"a", "b", "c"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "analytics"));

  ASSERT_EQ(r.batches().at(0).size(), 3u);
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(r.counts_of(id), (std::vector<int>{1, 2})) << id;
  EXPECT_EQ(r.deliveries(), 6u);
  EXPECT_TRUE(store.pending("analytics").empty());
  EXPECT_TRUE(store.dead_letters("analytics").empty());
  const auto s = bus.stats("analytics");
  EXPECT_EQ(s.retried, 3u);
  EXPECT_EQ(s.acked, 3u);
}

TEST(InProcBusBatch, TheRetriedBatchIsCountedInTheStore) {
  // A throwing batch must count a delivery for each message, so a restart does not give a
  // poison batch a fresh allowance.
  MemoryQueueStore store;
  {
    InProcBus::Options o;
    o.retry_backoff_initial = 60s;  // still waiting at shutdown
    o.retry_backoff_max = 60s;
    InProcBus bus(store, o);
    BatchRecorder r;
    bus.subscribe(queue("analytics"),
                  r.consumer([](const std::vector<Delivery>&, int) -> std::vector<Disposition> {
                    throw std::runtime_error("boom");
                  }));
    bus.publish(msgs({"a", "b"}));
    bus.start();
    ASSERT_TRUE(eventually([&] { return bus.stats("analytics").retried == 2; }));
    bus.stop();
  }
  const auto pending = store.pending("analytics");
  ASSERT_EQ(pending.size(), 2u);
  for (const auto& m : pending) EXPECT_EQ(m.delivery_count, 1) << m.message.event_id;
}

TEST(InProcBusBatch, TooFewDispositionsRetryTheWholeBatch) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  bus.subscribe(queue("analytics"), r.consumer([](const std::vector<Delivery>& batch, int call) {
    // One disposition short on the first call: no ack may be guessed.
    if (call == 1) return std::vector<Disposition>{Disposition::ack};
    return std::vector<Disposition>(batch.size(), Disposition::ack);
  }));
  bus.publish(msgs({"a", "b", "c"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "analytics"));
  ASSERT_EQ(r.batches().at(0).size(), 3u);
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(r.counts_of(id), (std::vector<int>{1, 2})) << id;
  EXPECT_EQ(bus.stats("analytics").retried, 3u);
  EXPECT_TRUE(store.pending("analytics").empty());
}

TEST(InProcBusBatch, TooManyDispositionsRetryTheWholeBatch) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  bus.subscribe(queue("analytics"), r.consumer([](const std::vector<Delivery>& batch, int call) {
    // One extra dead_letter: must not be applied to anything.
    std::vector<Disposition> out(batch.size(), Disposition::ack);
    if (call == 1) out.push_back(Disposition::dead_letter);
    return out;
  }));
  bus.publish(msgs({"a", "b"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "analytics"));
  ASSERT_EQ(r.batches().at(0).size(), 2u);
  EXPECT_EQ(r.counts_of("a"), (std::vector<int>{1, 2}));
  EXPECT_EQ(r.counts_of("b"), (std::vector<int>{1, 2}));
  EXPECT_TRUE(store.dead_letters("analytics").empty());
  EXPECT_EQ(bus.stats("analytics").dead_lettered, 0u);
}

TEST(InProcBusBatch, RetriesDeadLetterAtMaxDeliveries) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  auto spec = queue("routing");
  spec.max_deliveries = 3;
  bus.subscribe(spec, r.consumer([](const std::vector<Delivery>& batch, int) {
    std::vector<Disposition> out;
    for (const auto& d : batch)
      out.push_back(d.event_id == "poison" ? Disposition::retry : Disposition::ack);
    return out;
  }));
  bus.publish(msgs({"poison", "good"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "routing"));

  EXPECT_EQ(r.counts_of("poison"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.counts_of("good"), (std::vector<int>{1}));
  const auto dead = store.dead_letters("routing");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message.event_id, "poison");
  const auto reason = store.dead_letter_reason("routing", dead[0].seq);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("3 deliveries"), std::string::npos) << *reason;
  EXPECT_EQ(bus.stats("routing").dead_lettered, 1u);
  EXPECT_TRUE(store.pending("routing").empty());
}

TEST(InProcBusBatch, AlwaysThrowingBatchConsumerDeadLettersTheWholeBatch) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  auto spec = queue("analytics");
  spec.max_deliveries = 2;
  bus.subscribe(spec, r.consumer([](const std::vector<Delivery>&, int) -> std::vector<Disposition> {
    throw std::runtime_error("always broken");
  }));
  bus.publish(msgs({"a", "b"}));
  bus.start();
  ASSERT_TRUE(drained(bus, "analytics"));
  EXPECT_EQ(r.counts_of("a"), (std::vector<int>{1, 2}));
  EXPECT_EQ(r.counts_of("b"), (std::vector<int>{1, 2}));
  EXPECT_EQ(dead_ids(bus, "analytics"), (std::vector<std::string>{"a", "b"}));
  const auto reason = store.dead_letter_reason("analytics", store.dead_letters("analytics")[0].seq);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("always broken"), std::string::npos) << *reason;
}

TEST(InProcBusBatch, TransientBatchQueueKeepsItsDeadLettersInTheStore) {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  bus.subscribe(
      queue("sse", 64, /*durable=*/false), r.consumer([](const std::vector<Delivery>& batch, int) {
        std::vector<Disposition> out;
        for (const auto& d : batch)
          out.push_back(d.event_id == "bad" ? Disposition::dead_letter : Disposition::ack);
        return out;
      }));
  bus.start();
  bus.publish(msgs({"ok", "bad"}));
  ASSERT_TRUE(drained(bus, "sse"));
  EXPECT_EQ(dead_ids(bus, "sse"), (std::vector<std::string>{"bad"}));
  EXPECT_EQ(store.dead_letters("sse").size(), 1u) << "its dead letters are kept";
  EXPECT_TRUE(store.pending("sse").empty()) << "its messages never touch the store";
}

TEST(InProcBusBatch, AckedMessagesAreNotRedeliveredAfterARestartAndUnackedOnesAre) {
  MemoryQueueStore store;
  {
    InProcBus::Options o;
    o.retry_backoff_initial = 60s;  // "b" is still waiting for its retry at shutdown
    o.retry_backoff_max = 60s;
    InProcBus bus(store, o);
    BatchRecorder r;
    bus.subscribe(queue("routing"), r.consumer([](const std::vector<Delivery>& batch, int) {
      std::vector<Disposition> out;
      for (const auto& d : batch)
        out.push_back(d.event_id == "b" ? Disposition::retry : Disposition::ack);
      return out;
    }));
    bus.publish(msgs({"a", "b", "c"}));
    bus.start();
    ASSERT_TRUE(eventually([&] {
      const auto s = bus.stats("routing");
      return s.acked == 2 && s.retried == 1;
    }));
    bus.stop();
  }
  {
    // A second run dies before handling what it is given: never delivered, still stored.
    InProcBus::Options o;
    o.paused = true;
    InProcBus bus(store, o);
    BatchRecorder r;
    bus.subscribe(queue("routing"), r.consumer());
    bus.start();
    bus.publish(msgs({"d"}));
    bus.stop();
    EXPECT_EQ(r.deliveries(), 0u);
  }
  InProcBus bus(store);
  BatchRecorder r;
  bus.subscribe(queue("routing"), r.consumer());
  bus.start();
  ASSERT_TRUE(drained(bus, "routing"));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(r.counts_of("b"), (std::vector<int>{2})) << "the failed attempt still counts";
  EXPECT_EQ(r.counts_of("d"), (std::vector<int>{1}));
  EXPECT_TRUE(store.pending("routing").empty());
}

// Exits 0 only if a batch consumer throwing a non-std::exception gets its batch retried.
[[noreturn]] void run_non_standard_exception_scenario() {
  MemoryQueueStore store;
  InProcBus bus(store, fast_retries());
  BatchRecorder r;
  bus.subscribe(queue("analytics"), r.consumer([](const std::vector<Delivery>& batch, int call) {
    if (call == 1) throw 42;  // not a std::exception
    return std::vector<Disposition>(batch.size(), Disposition::ack);
  }));
  bus.publish(msgs({"a"}));
  bus.start();
  const bool ok = drained(bus, "analytics") && r.counts_of("a") == std::vector<int>{1, 2};
  bus.stop();
  std::_Exit(ok ? 0 : 1);
}

// A batch consumer throwing something that is not a std::exception must retry the batch
// (as the port promises), not escape the worker thread and terminate the process. Runs in
// a death-test child so that a regression cannot kill the whole suite.
TEST(InProcBusBatchDeathTest, ANonStandardExceptionRetriesTheBatchInsteadOfAborting) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_EXIT(run_non_standard_exception_scenario(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace st::adapters::inproc
