#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/queue_store.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

using ports::OutgoingMessage;
using ports::StoredMessage;

using testing_support::TempDir;

OutgoingMessage message(const std::string& id, const std::string& key = "ticket.created") {
  return {key, id, "{\"event_id\":\"" + id + "\"}", "00-trace-" + id + "-01"};
}

std::vector<std::string> event_ids(const std::vector<StoredMessage>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.message.event_id);
  return out;
}

std::vector<std::int64_t> seqs(const std::vector<StoredMessage>& ms) {
  std::vector<std::int64_t> out;
  for (const auto& m : ms) out.push_back(m.seq);
  return out;
}

class SqliteQueueStoreTest : public ::testing::Test {
 protected:
  void reopen() {
    store.reset();
    db.reset();
    db = std::make_unique<Database>(dir.file("bus.db"));
    store = std::make_unique<SqliteQueueStore>(*db);
  }

  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("bus.db"));
  std::unique_ptr<SqliteQueueStore> store = std::make_unique<SqliteQueueStore>(*db);
};

TEST_F(SqliteQueueStoreTest, EnqueueStoresOneCopyPerQueueInPublishOrder) {
  const auto stored =
      store->enqueue({"categorizer", "analytics"}, {message("e1"), message("e2", "ticket.routed")});
  ASSERT_EQ(stored.size(), 4u);
  // Message-major: e1 to both queues, then e2.
  EXPECT_EQ(event_ids(stored), (std::vector<std::string>{"e1", "e1", "e2", "e2"}));
  EXPECT_EQ(stored[0].queue, "categorizer");
  EXPECT_EQ(stored[1].queue, "analytics");
  for (std::size_t i = 1; i < stored.size(); ++i) EXPECT_GT(stored[i].seq, stored[i - 1].seq);
  for (const auto& s : stored) EXPECT_EQ(s.delivery_count, 0);

  const auto pending = store->pending("analytics");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].seq, stored[1].seq);
  EXPECT_EQ(pending[0].queue, "analytics");
  EXPECT_EQ(pending[0].message.routing_key, "ticket.created");
  EXPECT_EQ(pending[0].message.event_id, "e1");
  EXPECT_EQ(pending[0].message.body, "{\"event_id\":\"e1\"}");
  EXPECT_EQ(pending[0].message.traceparent, "00-trace-e1-01");
  EXPECT_EQ(pending[1].message.routing_key, "ticket.routed");
  EXPECT_TRUE(store->pending("nobody").empty());
}

TEST_F(SqliteQueueStoreTest, EnqueueOfNothingStoresNothing) {
  EXPECT_TRUE(store->enqueue({}, {message("e1")}).empty());
  EXPECT_TRUE(store->enqueue({"q"}, {}).empty());
  EXPECT_TRUE(store->pending("q").empty());
}

TEST_F(SqliteQueueStoreTest, AckRemovesABatchFromItsQueueOnly) {
  const auto stored = store->enqueue({"a", "b"}, {message("e1"), message("e2"), message("e3")});
  const auto a = store->pending("a");
  ASSERT_EQ(a.size(), 3u);
  store->ack("a", {a[0].seq, a[2].seq});
  EXPECT_EQ(event_ids(store->pending("a")), std::vector<std::string>{"e2"});
  EXPECT_EQ(store->pending("b").size(), 3u);  // the other queue's copies are untouched
  store->ack("b", {a[1].seq});                // a seq of queue a: ignored
  EXPECT_EQ(store->pending("a").size(), 1u);
  store->ack("a", {a[0].seq, a[1].seq});  // a repeated ack is harmless
  store->ack("a", {});
  EXPECT_TRUE(store->pending("a").empty());
}

TEST_F(SqliteQueueStoreTest, DeliveryCountsAreCountedAndSurviveARestart) {
  const auto stored = store->enqueue({"q"}, {message("e1"), message("e2")});
  store->count_delivery("q", stored[0].seq);
  store->count_delivery("q", stored[0].seq);
  store->count_delivery("q", stored[1].seq);
  store->count_delivery("other", stored[1].seq);  // wrong queue: no effect
  reopen();
  const auto pending = store->pending("q");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].delivery_count, 2);
  EXPECT_EQ(pending[1].delivery_count, 1);
}

TEST_F(SqliteQueueStoreTest, DeadLetterMovesTheMessageWithItsReason) {
  const auto stored = store->enqueue({"q", "r"}, {message("e1"), message("e2")});
  const auto q = store->pending("q");
  store->count_delivery("q", q[0].seq);
  store->dead_letter("q", q[0].seq, "poison: bad JSON");
  store->dead_letter("q", q[0].seq, "again");  // already moved: no effect
  store->dead_letter("q", 999999, "unknown");

  EXPECT_EQ(event_ids(store->pending("q")), std::vector<std::string>{"e2"});
  EXPECT_EQ(store->pending("r").size(), 2u);
  const auto dead = store->dead_letters("q");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].seq, q[0].seq);
  EXPECT_EQ(dead[0].queue, "q");
  EXPECT_EQ(dead[0].message.event_id, "e1");
  EXPECT_EQ(dead[0].message.body, q[0].message.body);
  EXPECT_EQ(dead[0].message.traceparent, q[0].message.traceparent);
  EXPECT_EQ(dead[0].delivery_count, 1);
  EXPECT_TRUE(store->dead_letters("r").empty());

  const auto reason = db->read([&](Connection& c) {
    auto row = c.query("SELECT reason FROM bus_dead_letters WHERE seq = ?");
    row.bind(1, q[0].seq);
    return row.step() ? row.text(0) : std::string();
  });
  EXPECT_EQ(reason, "poison: bad JSON");

  reopen();
  EXPECT_EQ(store->dead_letters("q").size(), 1u);
  EXPECT_EQ(store->pending("q").size(), 1u);
}

TEST_F(SqliteQueueStoreTest, DeadLetterReportCountsAndSamplesTheOldestFirst) {
  store->enqueue({"q"}, {message("e1"), message("e2", "ticket.routed"), message("e3")});
  const auto q = store->pending("q");
  store->count_delivery("q", q[1].seq);
  store->dead_letter("q", q[1].seq, "gave up");
  std::this_thread::sleep_for(std::chrono::milliseconds(3));  // a later dead_lettered_at
  store->dead_letter("q", q[0].seq, "rejected");
  store->dead_letter("q", q[2].seq, "rejected");

  const auto r = store->dead_letter_report("q", 2);
  EXPECT_EQ(r.queue, "q");
  EXPECT_EQ(r.count, 3u);
  ASSERT_TRUE(r.oldest_at.has_value());
  ASSERT_EQ(r.sample.size(), 2u);
  EXPECT_EQ(r.sample[0].event_id, "e2");
  EXPECT_EQ(r.sample[0].event_type, "ticket.routed");
  EXPECT_EQ(r.sample[0].reason, "gave up");
  EXPECT_EQ(r.sample[0].attempts, 1);
  EXPECT_EQ(r.sample[0].dead_lettered_at, r.oldest_at);
  EXPECT_EQ(r.sample[1].event_id, "e1");

  EXPECT_TRUE(store->dead_letter_report("q", 0).sample.empty());
  const auto empty = store->dead_letter_report("other", 5);
  EXPECT_EQ(empty.count, 0u);
  EXPECT_FALSE(empty.oldest_at.has_value());
}

TEST_F(SqliteQueueStoreTest, RequeueMovesOneOrAllDeadLettersBackWithAFreshCount) {
  store->enqueue({"q", "r"}, {message("e1"), message("e2"), message("e3")});
  for (const auto& m : store->pending("q")) {
    store->count_delivery("q", m.seq);
    store->dead_letter("q", m.seq, "poison");
  }
  store->dead_letter("r", store->pending("r")[0].seq, "poison");

  const auto one = store->requeue_dead_letters("q", std::string("e2"));
  EXPECT_EQ(event_ids(one), std::vector<std::string>{"e2"});
  EXPECT_EQ(event_ids(store->pending("q")), std::vector<std::string>{"e2"});
  EXPECT_EQ(store->pending("q")[0].delivery_count, 0);
  EXPECT_EQ(store->dead_letter_count("q"), 2u);
  EXPECT_TRUE(store->requeue_dead_letters("q", std::string("nope")).empty());

  const auto rest = store->requeue_dead_letters("q", std::nullopt);
  EXPECT_EQ(event_ids(rest), (std::vector<std::string>{"e1", "e3"}));
  EXPECT_EQ(event_ids(store->pending("q")), (std::vector<std::string>{"e1", "e2", "e3"}));
  EXPECT_EQ(store->dead_letter_count("q"), 0u);
  EXPECT_EQ(store->dead_letter_count("r"), 1u);  // another queue's are left alone

  reopen();
  EXPECT_EQ(store->pending("q").size(), 3u);
}

TEST_F(SqliteQueueStoreTest, PurgeDeletesOneQueuesDeadLettersAndCountsThem) {
  store->enqueue({"q", "r"}, {message("e1"), message("e2")});
  for (const auto& m : store->pending("q")) store->dead_letter("q", m.seq, "poison");
  store->dead_letter("r", store->pending("r")[0].seq, "poison");

  EXPECT_EQ(store->purge_dead_letters("q"), 2u);
  EXPECT_EQ(store->dead_letter_count("q"), 0u);
  EXPECT_EQ(store->dead_letter_count("r"), 1u);
  EXPECT_EQ(store->purge_dead_letters("q"), 0u);
}

TEST_F(SqliteQueueStoreTest, ATransientQueuesDeadLettersAreKeptAndSurviveARestart) {
  store->keep_dead_letter("gateway", message("t1"), 5, "gave up after 5 deliveries");
  const auto stored = store->enqueue({"routing"}, {message("r1")});
  store->dead_letter("routing", stored[0].seq, "rejected by the consumer");
  store->keep_dead_letter("gateway", message("t2"), 1, "rejected by the consumer");
  reopen();
  EXPECT_EQ(store->dead_letter_count("gateway"), 2u);
  EXPECT_EQ(store->dead_letter_count("routing"), 1u);
  EXPECT_EQ(store->dead_letter_count("analytics"), 0u);
  const auto dead = store->dead_letters("gateway");
  EXPECT_EQ(event_ids(dead), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(dead[0].delivery_count, 5);
  EXPECT_TRUE(store->pending("gateway").empty()) << "never pending: nothing redelivers it";
  // Their seqs come from the one sequence: a later message of any queue never collides.
  const auto later = store->enqueue({"routing"}, {message("r2")});
  EXPECT_NO_THROW(store->dead_letter("routing", later[0].seq, "rejected"));
  EXPECT_EQ(store->dead_letter_count("routing"), 2u);
}

TEST_F(SqliteQueueStoreTest, SeqsAreNeverReusedEvenAfterTheQueueDrains) {
  const auto first = store->enqueue({"q"}, {message("e1")});
  store->ack("q", seqs(first));
  reopen();
  const auto second = store->enqueue({"q"}, {message("e2")});
  EXPECT_GT(second[0].seq, first[0].seq);
}

TEST_F(SqliteQueueStoreTest, PendingMessagesSurviveARestartInOrder) {
  store->enqueue({"q"}, {message("e1"), message("e2")});
  store->enqueue({"q"}, {message("e3")});
  reopen();
  EXPECT_EQ(event_ids(store->pending("q")), (std::vector<std::string>{"e1", "e2", "e3"}));
}

}  // namespace
}  // namespace st::adapters::sqlite
