// The SQLite stores' batch writes: update_batch, record_routings and record_batch, each one
// transaction (one commit) for the whole batch, all or nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sqlite/analytics_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "unit/adapters/sqlite/sqlite_test_support.hpp"
#include "unit/support/store_writes.hpp"
#include "unit/support/temp_dir.hpp"

using st::test_support::create_one;
using st::test_support::update_one;

namespace st::adapters::sqlite {
namespace {

namespace payload = domain::payload;
using domain::CategorizedBy;
using domain::Event;
using domain::EventType;
using domain::Millis;
using domain::Status;
using domain::Ticket;
using domain::TicketId;
using nlohmann::json;
using ports::RoutingRecord;

using test_support::CommitCounter;
using test_support::drain;
using testing_support::TempDir;

// One database file holding the three services' tables, as in the one-process deployment.
class SqliteBatchWrites : public ::testing::Test {
 protected:
  void SetUp() override { counter.attach(*db); }

  Ticket create(const std::string& title) {
    // No events: the outbox starts empty, so every row seen later is the batch's.
    return create_one(*tickets,
                      {title, "Something is broken, please help", "Ann", "ann@example.com"},
                      1'700'000'000'000, {});
  }

  // A ticket change that renames the ticket and emits one status event.
  static ports::TicketChange rename(std::string title) {
    return [title](Ticket& t) {
      t.title = title;
      t.updated_at += 1;
      return std::vector<Event>{domain::make_event(
          domain::payload::StatusUpdated{domain::Status::pending}, t, t.updated_at, "trace")};
    };
  }

  // Declared first: the hook points at it until the database closes.
  CommitCounter counter;
  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("batch.db"));
  std::unique_ptr<SqliteTicketStore> tickets = std::make_unique<SqliteTicketStore>(*db);
  std::unique_ptr<SqliteRoutingStore> routing = std::make_unique<SqliteRoutingStore>(*db);
  std::unique_ptr<SqliteAnalyticsStore> analytics = std::make_unique<SqliteAnalyticsStore>(*db);
};

// ---- TicketStore::update_batch -------------------------------------------------------------

TEST_F(SqliteBatchWrites, CommitCounterSeesOneCommitPerSingleWrite) {
  // The instrument itself: one update() is one commit.
  const auto t = create("one");
  const int before = counter.commits();
  ASSERT_TRUE(update_one(*tickets, t.id, rename("renamed")));
  EXPECT_EQ(counter.commits() - before, 1);
}

// ---- RoutingStore::record_routings ----------------------------------------------------------

// ---- AnalyticsStore::record_batch -----------------------------------------------------------

const Millis kT0 = 1'763'596'800'000;  // 2025-11-20T00:00:00Z
constexpr Millis kMinute = 60'000;

// The events of one ticket's life, shaped as the services emit them.
class Life {
 public:
  Life(TicketId id, Millis created_at) {
    t_.id = id;
    t_.title = "Ticket " + std::to_string(id);
    t_.description = "Something happened";
    t_.user_name = "Ann";
    t_.user_email = "ann@example.com";
    t_.created_at = created_at;
    t_.updated_at = created_at;
  }
  Event created() { return make(payload::Created{}, t_.created_at); }
  Event categorized(Millis at, const std::string& dept, int confidence) {
    return make(payload::Categorized{dept, confidence, CategorizedBy::keywords}, at);
  }
  Event routed(Millis at, const std::string& dept, int confidence) {
    t_.department = dept;
    t_.confidence_score = confidence;
    t_.categorized_by = CategorizedBy::keywords;
    t_.updated_at = at;
    return make(payload::Routed{dept, confidence, CategorizedBy::keywords}, at);
  }
  Event status(Millis at, Status s) {
    const auto previous = t_.status;
    t_.status = s;
    t_.updated_at = at;
    return make(payload::StatusUpdated{s, previous}, at);
  }

 private:
  Event make(domain::EventPayload payload, Millis at) {
    Event e;
    e.event_id = "t" + std::to_string(t_.id) + "-" + std::to_string(++n_);
    e.occurred_at = at;
    e.trace_id = "trace";
    e.ticket = t_;
    e.payload = std::move(payload);
    return e;
  }
  Ticket t_;
  int n_ = 0;
};

using Counts = std::vector<std::pair<std::string, std::int64_t>>;
TEST_F(SqliteBatchWrites, RecordBatchIsAllOrNothing) {
  // A trigger makes the insert of one event fail, half-way through the batch.
  db->write([](Connection& c) {
    c.exec(
        "CREATE TRIGGER reject_poison BEFORE INSERT ON analytics_events "
        "WHEN NEW.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poison event'); END");
  });
  Life a(1, kT0), b(2, kT0);
  auto poison = b.created();
  poison.event_id = "poison";
  const int before = counter.commits();
  EXPECT_ANY_THROW(analytics->record_batch({a.created(), a.routed(kT0 + 1, "HR", 50), poison}));
  EXPECT_EQ(counter.commits() - before, 0);
  EXPECT_TRUE(analytics->trail(1, {}).items.empty()) << "events before the failure are rolled back";
  EXPECT_EQ(analytics->aggregate({}).total, 0) << "and so is the projection";
}

}  // namespace
}  // namespace st::adapters::sqlite
