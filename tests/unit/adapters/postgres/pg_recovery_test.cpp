// The stores on a PostgreSQL server that goes away and comes back (pg_ctl stop/start and
// restart) on a server of the test's own, so that no other test sees the outage.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/ticket_store.hpp"
#include "domain/codec.hpp"
#include "ports/unavailable.hpp"
#include "unit/adapters/postgres/pg_test_server.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;

namespace st::adapters::postgres {
namespace {

using domain::Event;
using domain::EventType;
using domain::Ticket;

Ticket create(PgTicketStore& store, const std::string& title) {
  return create_one(
      store, {title, "Something is broken, please help", "Ann Lee", "ann@example.com"},
      1'700'000'000'000, [](const Ticket& t) {
        return std::vector<Event>{domain::make_event(domain::payload::Created{}, t, t.created_at, "trace")};
      });
}

// Calls `f` until it stops throwing ports::Unavailable, at most `attempts` times 50 ms
// apart. Any other exception fails the test.
template <class F>
bool eventually_available(F f, int attempts = 200) {
  for (int i = 0; i < attempts; ++i) {
    try {
      f();
      return true;
    } catch (const ports::Unavailable&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return false;
}

class PgRecovery : public ::testing::Test {
 protected:
  PgRecovery() {
    PoolOptions options;
    options.max_connections = 4;
    options.acquire_timeout = std::chrono::milliseconds(500);
    options.reconnect_backoff = std::chrono::milliseconds(50);
    db = std::make_unique<Database>(server.conninfo(), options);
    store = std::make_unique<PgTicketStore>(*db);
  }

  testing_support::PgServer server;
  std::unique_ptr<Database> db;
  std::unique_ptr<PgTicketStore> store;
};

TEST_F(PgRecovery, CallsFailWithUnavailableWhileTheServerIsDownAndSucceedOnceItIsBack) {
  const auto before = create(*store, "Before the outage");
  server.stop();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(store->get(before.id), ports::Unavailable);
    EXPECT_THROW(create(*store, "During the outage"), ports::Unavailable);
    EXPECT_THROW(store->relay(10, [](const std::vector<ports::OutboxMessage>&) {}),
                 ports::Unavailable);
    EXPECT_THROW(store->list({}), ports::Unavailable);
  }
  EXPECT_THROW(PgTicketStore another(*db), ports::Unavailable) << "a start during the outage";

  server.start();
  std::optional<Ticket> got;
  ASSERT_TRUE(eventually_available([&] { got = store->get(before.id); }));
  EXPECT_EQ(got, before);
  const auto after = create(*store, "After the outage");
  EXPECT_GT(after.id, before.id);
  std::size_t relayed = 0;
  store->relay(10, [&](const std::vector<ports::OutboxMessage>& b) { relayed += b.size(); });
  EXPECT_EQ(relayed, 2u) << "nothing accepted before the outage was lost";
}

TEST_F(PgRecovery, ARestartBehindThePoolsBackIsSurvived) {
  // Several idle connections in the pool, all of which the restart breaks.
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back([&] { store->list({}); });
  for (auto& t : readers) t.join();
  const auto t = create(*store, "Before the restart");

  server.restart();
  int unavailable = 0;
  std::optional<Ticket> got;
  for (int attempt = 0; attempt < 200 && !got; ++attempt) {
    try {
      got = store->get(t.id);
    } catch (const ports::Unavailable&) {
      ++unavailable;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(got, t);
  EXPECT_LE(unavailable, 1) << "one failed call discards every stale connection";
  EXPECT_EQ(create(*store, "After the restart").id, t.id + 1);
}

}  // namespace
}  // namespace st::adapters::postgres
