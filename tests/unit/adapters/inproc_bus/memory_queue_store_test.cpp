#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "adapters/inproc_bus/memory_queue_store.hpp"

namespace st::adapters::inproc {
namespace {

ports::OutgoingMessage msg(std::string key, std::string id) {
  return {std::move(key), std::move(id), "{}", ""};
}

std::vector<std::string> ids(const std::vector<ports::StoredMessage>& v) {
  std::vector<std::string> out;
  for (const auto& m : v) out.push_back(m.message.event_id);
  return out;
}

TEST(MemoryQueueStore, EnqueueStoresOneCopyPerQueueInPublishOrder) {
  MemoryQueueStore store;
  auto stored = store.enqueue({"a", "b"}, {msg("k", "1"), msg("k", "2")});
  ASSERT_EQ(stored.size(), 4u);
  std::set<std::int64_t> seqs;
  for (const auto& s : stored) {
    seqs.insert(s.seq);
    EXPECT_EQ(s.delivery_count, 0);
  }
  EXPECT_EQ(seqs.size(), 4u) << "every stored copy needs its own seq";
  EXPECT_EQ(ids(store.pending("a")), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(ids(store.pending("b")), (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE(store.pending("c").empty());
}

TEST(MemoryQueueStore, AckRemovesOnlyTheGivenQueueCopies) {
  MemoryQueueStore store;
  auto stored = store.enqueue({"a", "b"}, {msg("k", "1"), msg("k", "2")});
  std::vector<std::int64_t> a_seqs;
  for (const auto& s : stored)
    if (s.queue == "a") a_seqs.push_back(s.seq);
  store.ack("a", {a_seqs[0]});
  EXPECT_EQ(ids(store.pending("a")), (std::vector<std::string>{"2"}));
  EXPECT_EQ(store.pending("b").size(), 2u);
  // A seq of another queue is not this queue's to ack.
  store.ack("b", {a_seqs[1]});
  EXPECT_EQ(store.pending("a").size(), 1u);
  EXPECT_EQ(store.pending("b").size(), 2u);
}

TEST(MemoryQueueStore, CountDeliveryAndDeadLetter) {
  MemoryQueueStore store;
  auto stored = store.enqueue({"a"}, {msg("k", "poison"), msg("k", "fine")});
  const auto seq = stored[0].seq;
  store.count_delivery("a", seq);
  store.count_delivery("a", seq);
  EXPECT_EQ(store.pending("a")[0].delivery_count, 2);
  store.dead_letter("a", seq, "bad json");
  EXPECT_EQ(ids(store.pending("a")), (std::vector<std::string>{"fine"}));
  auto dead = store.dead_letters("a");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message.event_id, "poison");
  EXPECT_EQ(dead[0].delivery_count, 2);
  EXPECT_EQ(store.dead_letter_reason("a", seq), "bad json");
  EXPECT_EQ(store.dead_letter_reason("a", stored[1].seq), std::nullopt);
}

TEST(MemoryQueueStore, ConcurrentEnqueuesGetDistinctSeqs) {
  MemoryQueueStore store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 500; ++i)
        store.enqueue({"q"}, {msg("k", std::to_string(t) + "-" + std::to_string(i))});
    });
  for (auto& th : threads) th.join();
  auto pending = store.pending("q");
  ASSERT_EQ(pending.size(), 2000u);
  for (std::size_t i = 1; i < pending.size(); ++i) EXPECT_LT(pending[i - 1].seq, pending[i].seq);
}

}  // namespace
}  // namespace st::adapters::inproc
