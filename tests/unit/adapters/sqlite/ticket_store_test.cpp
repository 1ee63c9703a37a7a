#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/outbox_table.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "unit/adapters/sqlite/sqlite_test_support.hpp"
#include "unit/support/store_writes.hpp"
#include "unit/support/temp_dir.hpp"

using st::test_support::create_one;
using st::test_support::update_one;

namespace st::adapters::sqlite {
namespace {

using domain::Event;
using domain::EventType;
using domain::Status;
using domain::Ticket;

using test_support::drain;
using testing_support::TempDir;

domain::NewTicket new_ticket(std::string title,
                             std::string description = "Something is broken, please help") {
  return {std::move(title), std::move(description), "Ann Lee", "ann@example.com"};
}

// The EventsFor of the tickets service: one ticket.created per new ticket.
std::vector<Event> created_event(const Ticket& t) {
  return {domain::make_event(domain::payload::Created{}, t, t.created_at, "trace-1")};
}

class SqliteTicketStoreTest : public ::testing::Test {
 protected:
  Ticket create(const std::string& title, domain::Millis now = 1'700'000'000'000) {
    return create_one(*store, new_ticket(title), now, created_event);
  }
  // Sets status/department through update(), as the service would.
  void set(domain::TicketId id, Status status, std::optional<std::string> department) {
    ASSERT_TRUE(update_one(*store, id, [&](Ticket& t) {
      t.status = status;
      t.department = department;
      return std::vector<Event>{
          domain::make_event(domain::payload::StatusUpdated{t.status}, t, 1, "")};
    }));
  }
  std::vector<Ticket> list(ports::TicketQuery q) { return store->list(q); }
  void reopen() {
    store.reset();
    db.reset();
    db = std::make_unique<Database>(dir.file("tickets.db"));
    store = std::make_unique<SqliteTicketStore>(*db);
  }

  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("tickets.db"));
  std::unique_ptr<SqliteTicketStore> store = std::make_unique<SqliteTicketStore>(*db);
};

// The floor a restore sets (backup.hpp): ids below it are never given, ids above it go on
// from the highest as before.
TEST_F(SqliteTicketStoreTest, NewIdsStartAtTheFloorARestoreSet) {
  EXPECT_EQ(create("Before the floor").id, 1);
  db->write([](Connection& c) {
    c.exec("INSERT INTO ticket_id_floor (singleton, next_id) VALUES (1, 500)");
  });
  EXPECT_EQ(create("At the floor").id, 500);
  EXPECT_EQ(create("After it").id, 501);
  EXPECT_EQ(store->get(1)->title, "Before the floor");
}

TEST_F(SqliteTicketStoreTest, AnExpiredClaimIsPublishedAgain) {
  create("Ticket number 1");
  OutboxTable short_lease(*db, "tickets_outbox", std::chrono::milliseconds(0));
  int published = 0;
  short_lease.relay(10, [&](const std::vector<ports::OutboxMessage>&) {
    ++published;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // The lease is over: another relay takes the row over (at least once, never lost).
    short_lease.relay(10, [&](const std::vector<ports::OutboxMessage>&) { ++published; });
  });
  EXPECT_EQ(published, 2);
  EXPECT_TRUE(drain(*store).empty());
}

TEST_F(SqliteTicketStoreTest, ClaimsOfADeadRelayAreReleasedOnReopen) {
  create("Laptop will not boot");
  // A relay claimed the row and the process died mid-publish: the claim is still in the file.
  db->write([](Connection& c) {
    c.query("UPDATE tickets_outbox SET claim_token = 7, claim_until = 9000000000000").run();
  });
  EXPECT_TRUE(drain(*store).empty());  // claimed: invisible to other relays
  reopen();
  EXPECT_EQ(drain(*store).size(), 1u);  // published without waiting out the lease
}

}  // namespace
}  // namespace st::adapters::sqlite
