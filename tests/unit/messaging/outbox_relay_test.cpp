#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "adapters/inproc_bus/inproc_bus.hpp"
#include "adapters/inproc_bus/memory_queue_store.hpp"
#include "messaging/outbox_relay.hpp"
#include "unit/support/eventually.hpp"

namespace st::messaging {
namespace {

using namespace std::chrono_literals;
using testing_support::eventually;

// An outbox table in memory, with the port's claim / delete-after-publish contract.
class FakeOutbox : public ports::Outbox {
 public:
  // Appends as a store's committed transaction would, then calls the listener.
  void append(const std::string& key, const std::string& id) {
    append_silently(key, id);
    std::function<void()> listener;
    {
      std::lock_guard lk(mu_);
      listener = listener_;
    }
    if (listener) listener();
  }
  // As if written by another process: no listener call, only polling finds it.
  void append_silently(const std::string& key, const std::string& id) {
    std::lock_guard lk(mu_);
    rows_.push_back({{next_seq_++, id, key, "{}"}, false});
  }

  std::size_t relay(std::size_t max, const ports::PublishBatch& publish) override {
    std::vector<ports::OutboxMessage> claimed;
    {
      std::lock_guard lk(mu_);
      for (auto& r : rows_) {
        if (claimed.size() == max) break;
        if (r.claimed) continue;
        r.claimed = true;
        claimed.push_back(r.message);
      }
    }
    if (claimed.empty()) return 0;
    try {
      publish(claimed);
    } catch (...) {
      release(claimed, /*remove=*/false);
      throw;
    }
    release(claimed, /*remove=*/true);
    return claimed.size();
  }

  void set_listener(std::function<void()> on_append) override {
    std::lock_guard lk(mu_);
    listener_ = std::move(on_append);
  }

  std::size_t size() const {
    std::lock_guard lk(mu_);
    return rows_.size();
  }

 private:
  struct Row {
    ports::OutboxMessage message;
    bool claimed;
  };
  void release(const std::vector<ports::OutboxMessage>& claimed, bool remove) {
    std::lock_guard lk(mu_);
    for (const auto& c : claimed) {
      for (auto it = rows_.begin(); it != rows_.end(); ++it) {
        if (it->message.seq != c.seq) continue;
        if (remove)
          rows_.erase(it);
        else
          it->claimed = false;
        break;
      }
    }
  }

  mutable std::mutex mu_;
  std::int64_t next_seq_ = 1;
  std::deque<Row> rows_;
  std::function<void()> listener_;
};

// A bus that records publishes and can be made to fail like a broker that is down.
class FakeBus : public ports::EventBus {
 public:
  void publish(const std::vector<ports::OutgoingMessage>& batch) override {
    ++attempts;
    if (failing) throw std::runtime_error("broker unreachable");
    std::lock_guard lk(mu_);
    for (const auto& m : batch) ids_.push_back(m.event_id);
  }
  void subscribe(const ports::QueueSpec&, ports::BatchConsumer) override {}
  void start() override {}
  void stop() override {}
  std::size_t dead_letter_count(const std::string&) override { return 0; }

  std::vector<std::string> ids() const {
    std::lock_guard lk(mu_);
    return ids_;
  }

  std::atomic<bool> failing{false};
  std::atomic<int> attempts{0};

 private:
  mutable std::mutex mu_;
  std::vector<std::string> ids_;
};

OutboxRelay::Options quiet_poll() {
  OutboxRelay::Options o;
  o.name = "test";
  o.poll_interval = 60s;  // only the listener (or stop) can make it relay
  return o;
}

// Starts the relay and waits until its first pass is over (it relays a seeded row), so
// that what the test appends next can only be found by the mechanism under test.
void settle(FakeOutbox& outbox, FakeBus& bus, OutboxRelay& relay) {
  outbox.append_silently("k", "seed");
  relay.start();
  ASSERT_TRUE(eventually([&] { return bus.ids().size() == 1 && outbox.size() == 0; }));
}

TEST(OutboxRelay, AppendedMessagesAreRelayedOnTheListenerAndRemoved) {
  FakeOutbox outbox;
  FakeBus bus;
  OutboxRelay relay(outbox, bus, quiet_poll());
  relay.start();
  outbox.append("ticket.created", "e1");
  outbox.append("ticket.created", "e2");
  outbox.append("ticket.status.updated", "e3");
  ASSERT_TRUE(eventually([&] { return bus.ids().size() == 3; }));
  EXPECT_EQ(bus.ids(), (std::vector<std::string>{"e1", "e2", "e3"}));
  EXPECT_EQ(outbox.size(), 0u);
  EXPECT_EQ(relay.relayed(), 3u);
}

TEST(OutboxRelay, RowsLeftBeforeStartAreRelayedAtOnce) {
  FakeOutbox outbox;
  FakeBus bus;
  outbox.append_silently("ticket.created", "old");
  OutboxRelay relay(outbox, bus, quiet_poll());
  relay.start();
  ASSERT_TRUE(eventually([&] { return bus.ids().size() == 1; }));
  EXPECT_EQ(outbox.size(), 0u);
}

TEST(OutboxRelay, PollingFindsRowsTheListenerMissed) {
  FakeOutbox outbox;
  FakeBus bus;
  auto options = quiet_poll();
  options.poll_interval = 30ms;
  OutboxRelay relay(outbox, bus, options);
  settle(outbox, bus, relay);
  outbox.append_silently("ticket.created", "unannounced");
  ASSERT_TRUE(eventually([&] { return bus.ids().size() == 2; }, 2s));
}

TEST(OutboxRelay, FullBatchesAreRelayedUntilTheOutboxIsEmpty) {
  FakeOutbox outbox;
  FakeBus bus;
  auto options = quiet_poll();
  options.batch_size = 2;
  OutboxRelay relay(outbox, bus, options);
  settle(outbox, bus, relay);
  for (int i = 0; i < 7; ++i) outbox.append_silently("k", "e" + std::to_string(i));
  relay.wake();  // one wake-up, four batches
  ASSERT_TRUE(eventually([&] { return bus.ids().size() == 8; }));
  EXPECT_EQ(bus.attempts, 1 + 4);
}

TEST(OutboxRelay, AFailingPublishKeepsRowsUntilTheBusRecovers) {
  FakeOutbox outbox;
  FakeBus bus;
  bus.failing = true;
  auto options = quiet_poll();
  options.retry_backoff_initial = 10ms;
  options.retry_backoff_max = 20ms;
  OutboxRelay relay(outbox, bus, options);
  relay.start();
  outbox.append("ticket.created", "e1");
  outbox.append("ticket.created", "e2");
  // Retried without any further append or poll: the backoff drives it.
  ASSERT_TRUE(eventually([&] { return bus.attempts >= 3; }));
  EXPECT_EQ(outbox.size(), 2u);
  EXPECT_TRUE(bus.ids().empty());
  EXPECT_GE(relay.failures(), 3u);

  bus.failing = false;
  ASSERT_TRUE(eventually([&] { return bus.ids().size() == 2; }));
  EXPECT_EQ(bus.ids(), (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(outbox.size(), 0u);
}

TEST(OutboxRelay, BackoffIsNotCutShortByAppends) {
  FakeOutbox outbox;
  FakeBus bus;
  bus.failing = true;
  auto options = quiet_poll();
  options.retry_backoff_initial = 50ms;
  options.retry_backoff_max = 50ms;
  options.drain_timeout = 0ms;
  OutboxRelay relay(outbox, bus, options);
  relay.start();
  // A steady stream of appends for ~300 ms while the bus is down.
  for (int i = 0; i < 150; ++i) {
    outbox.append("ticket.created", "e" + std::to_string(i));
    std::this_thread::sleep_for(2ms);
  }
  const int attempts = bus.attempts;
  relay.stop();
  EXPECT_GE(attempts, 2);
  EXPECT_LE(attempts, 15) << "one attempt per append would be ~150";
  EXPECT_EQ(outbox.size(), 150u);
}

TEST(OutboxRelay, StopDrainsWhatIsPending) {
  FakeOutbox outbox;
  FakeBus bus;
  OutboxRelay relay(outbox, bus, quiet_poll());
  settle(outbox, bus, relay);
  for (int i = 0; i < 5; ++i) outbox.append_silently("k", "e" + std::to_string(i));
  relay.stop();
  EXPECT_EQ(bus.ids().size(), 1u + 5u);
  EXPECT_EQ(outbox.size(), 0u);
  relay.stop();  // idempotent
}

TEST(OutboxRelay, StopGivesUpAfterTheDrainTimeoutWhenTheBusIsDown) {
  FakeOutbox outbox;
  FakeBus bus;
  bus.failing = true;
  auto options = quiet_poll();
  options.drain_timeout = 200ms;
  options.retry_backoff_initial = 20ms;
  OutboxRelay relay(outbox, bus, options);
  relay.start();
  outbox.append("k", "e1");
  ASSERT_TRUE(eventually([&] { return bus.attempts >= 1; }));
  const auto begin = std::chrono::steady_clock::now();
  relay.stop();
  const auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(took, 150ms) << "stop() should keep trying for the drain timeout";
  EXPECT_LT(took, 3s);
  EXPECT_EQ(outbox.size(), 1u) << "the row stays for the next start";
}

TEST(OutboxRelay, ListenerOutlivingTheRelayIsHarmless) {
  FakeOutbox outbox;
  FakeBus bus;
  {
    OutboxRelay relay(outbox, bus, quiet_poll());
    relay.start();
  }
  outbox.append("k", "after");  // calls the old listener; must not touch the dead relay
  EXPECT_EQ(outbox.size(), 1u);
}

TEST(OutboxRelay, FeedsTheInProcessBusEndToEnd) {
  adapters::inproc::MemoryQueueStore store;
  adapters::inproc::InProcBus bus(store);
  std::mutex mu;
  std::vector<std::string> seen;
  ports::QueueSpec spec;
  spec.name = "categorizer";
  spec.bindings = {"ticket.created"};
  bus.subscribe(spec, [&](const std::vector<ports::Delivery>& batch) {
    std::lock_guard lk(mu);
    for (const auto& d : batch) seen.push_back(d.event_id);
    return std::vector<ports::Disposition>(batch.size(), ports::Disposition::ack);
  });
  bus.start();
  FakeOutbox outbox;
  OutboxRelay relay(outbox, bus, quiet_poll());
  relay.start();
  outbox.append("ticket.created", "t1");
  outbox.append("ticket.closed", "t2");  // nobody bound: dropped by the bus
  outbox.append("ticket.created", "t3");
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lk(mu);
    return seen.size() == 2 && outbox.size() == 0;
  }));
  relay.stop();
  bus.stop();
  EXPECT_EQ(seen, (std::vector<std::string>{"t1", "t3"}));
  EXPECT_EQ(bus.unroutable(), 1u);
}

}  // namespace
}  // namespace st::messaging
