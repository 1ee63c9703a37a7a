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
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

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

std::vector<std::string> keys(const std::vector<ports::OutboxMessage>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.routing_key);
  return out;
}

// One database file holding the three services' tables, as in the one-process deployment.
class SqliteBatchWrites : public ::testing::Test {
 protected:
  void SetUp() override { counter.attach(*db); }

  Ticket create(const std::string& title) {
    // No events: the outbox starts empty, so every row seen later is the batch's.
    return tickets->create({title, "Something is broken, please help", "Ann", "ann@example.com"},
                           1'700'000'000'000, {});
  }

  // A ticket change that renames the ticket and emits one status event.
  static ports::TicketChange rename(std::string title) {
    return [title](Ticket& t) {
      t.title = title;
      t.updated_at += 1;
      return std::vector<Event>{domain::make_event(EventType::status_updated, t, t.updated_at,
                                                   "trace", {{"status", "pending"}})};
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
  ASSERT_TRUE(tickets->update(t.id, rename("renamed")));
  EXPECT_EQ(counter.commits() - before, 1);
}

TEST_F(SqliteBatchWrites, UpdateBatchAppliesEveryChangeInOneCommit) {
  std::vector<TicketId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(create("t" + std::to_string(i)).id);
  std::vector<std::pair<TicketId, ports::TicketChange>> changes;
  for (int i = 0; i < 5; ++i) changes.emplace_back(ids[i], rename("new" + std::to_string(i)));

  const int before = counter.commits();
  const auto out = tickets->update_batch(changes);
  EXPECT_EQ(counter.commits() - before, 1) << "one transaction for the batch of 5";

  ASSERT_EQ(out.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(out[i].has_value()) << i;
    EXPECT_EQ(out[i]->id, ids[i]);
    EXPECT_EQ(out[i]->title, "new" + std::to_string(i));
    EXPECT_EQ(tickets->get(ids[i])->title, "new" + std::to_string(i));
  }
  const auto rows = drain(*tickets);
  ASSERT_EQ(rows.size(), 5u) << "one outbox row per change's event, same transaction";
  for (int i = 0; i < 5; ++i) {
    const auto e = domain::parse_event(rows[i].body);
    EXPECT_EQ(e.ticket.id, ids[i]) << "outbox keeps the batch order";
    EXPECT_EQ(e.ticket.title, "new" + std::to_string(i));
  }
}

TEST_F(SqliteBatchWrites, UpdateBatchIsNotVisibleToReadersBeforeItCommits) {
  const auto a = create("a");
  const auto b = create("b");
  std::optional<std::string> seen_mid_batch;
  auto out = tickets->update_batch({{a.id, rename("a2")}, {b.id, [&](Ticket& t) {
                                                             // A reader connection, while the batch
                                                             // is open.
                                                             seen_mid_batch =
                                                                 tickets->get(a.id)->title;
                                                             t.title = "b2";
                                                             return std::vector<Event>{};
                                                           }}});
  EXPECT_EQ(seen_mid_batch, "a") << "the first change was committed before the second ran";
  EXPECT_EQ(tickets->get(a.id)->title, "a2");
  EXPECT_EQ(tickets->get(b.id)->title, "b2");
}

TEST_F(SqliteBatchWrites, UpdateBatchIsAllOrNothing) {
  const auto a = create("a");
  const auto b = create("b");
  const auto c = create("c");
  int listener_calls = 0;
  tickets->set_listener([&] { ++listener_calls; });
  const int before = counter.commits();
  EXPECT_THROW(tickets->update_batch({{a.id, rename("a2")},
                                      {b.id,
                                       [](Ticket& t) -> std::vector<Event> {
                                         t.title = "half-done";
                                         throw std::runtime_error("change failed");
                                       }},
                                      {c.id, rename("c2")}}),
               std::runtime_error);
  EXPECT_EQ(counter.commits() - before, 0);
  EXPECT_EQ(tickets->get(a.id)->title, "a") << "rolled back with the failing change";
  EXPECT_EQ(tickets->get(b.id)->title, "b");
  EXPECT_EQ(tickets->get(c.id)->title, "c");
  EXPECT_TRUE(drain(*tickets).empty()) << "no outbox row from a failed batch";
  EXPECT_EQ(listener_calls, 0);

  // The writer is usable again afterwards.
  auto out = tickets->update_batch({{a.id, rename("a3")}});
  ASSERT_TRUE(out.at(0));
  EXPECT_EQ(tickets->get(a.id)->title, "a3");
  EXPECT_EQ(listener_calls, 1);
}

TEST_F(SqliteBatchWrites, UpdateBatchGivesNulloptForUnknownIdsWithoutCallingTheirChange) {
  const auto a = create("a");
  const auto b = create("b");
  int unknown_calls = 0;
  auto counted = [&](Ticket& t) {
    ++unknown_calls;
    t.title = "never";
    return std::vector<Event>{};
  };
  const auto out = tickets->update_batch(
      {{9999, counted}, {a.id, rename("a2")}, {-1, counted}, {b.id, rename("b2")}});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_FALSE(out[0].has_value());
  ASSERT_TRUE(out[1].has_value());
  EXPECT_EQ(out[1]->title, "a2");
  EXPECT_FALSE(out[2].has_value());
  ASSERT_TRUE(out[3].has_value());
  EXPECT_EQ(out[3]->title, "b2");
  EXPECT_EQ(unknown_calls, 0);
  EXPECT_EQ(drain(*tickets).size(), 2u);
}

TEST_F(SqliteBatchWrites, UpdateBatchSeesItsOwnEarlierChangesToTheSameTicket) {
  const auto a = create("a");
  auto append = [](std::string suffix) {
    return ports::TicketChange([suffix](Ticket& t) {
      t.title += suffix;
      return std::vector<Event>{};
    });
  };
  const auto out = tickets->update_batch({{a.id, append("+1")}, {a.id, append("+2")}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]->title, "a+1");
  EXPECT_EQ(out[1]->title, "a+1+2");
  EXPECT_EQ(tickets->get(a.id)->title, "a+1+2");
}

TEST_F(SqliteBatchWrites, UpdateBatchChangeThatDoesNothingWritesNothing) {
  const auto a = create("a");
  const auto stored = *tickets->get(a.id);
  const auto out = tickets->update_batch({{a.id, [](Ticket&) { return std::vector<Event>{}; }}});
  ASSERT_TRUE(out.at(0));
  EXPECT_EQ(*out[0], stored);
  EXPECT_EQ(*tickets->get(a.id), stored);
  EXPECT_TRUE(drain(*tickets).empty());
}

TEST_F(SqliteBatchWrites, UpdateBatchCannotChangeTheId) {
  const auto a = create("a");
  const auto out = tickets->update_batch({{a.id, [](Ticket& t) {
                                             t.id = 4242;
                                             t.title = "moved?";
                                             return std::vector<Event>{};
                                           }}});
  ASSERT_TRUE(out.at(0));
  EXPECT_EQ(out[0]->id, a.id);
  EXPECT_EQ(tickets->get(a.id)->title, "moved?");
  EXPECT_FALSE(tickets->get(4242).has_value());
}

// ---- RoutingStore::record_routings ----------------------------------------------------------

RoutingRecord routing_of(TicketId ticket, std::string department, int confidence = 80) {
  RoutingRecord r;
  r.ticket_id = ticket;
  r.department = std::move(department);
  r.confidence_score = confidence;
  r.categorized_by = CategorizedBy::keywords;
  r.routed_at = 5000 + ticket;
  return r;
}

// What the routing service emits for a recorded routing: one ticket.routed.
std::vector<Event> routed(const RoutingRecord& r) {
  Ticket t;
  t.id = r.ticket_id;
  t.title = "a ticket";
  t.department = r.department;
  return {domain::make_event(EventType::routed, t, r.routed_at, "",
                             {{"department", r.department}, {"routing_id", r.id}})};
}

ports::RoutingStore::RoutingWrite write_of(TicketId ticket, std::string department,
                                           std::optional<std::string> cause) {
  return {routing_of(ticket, std::move(department)), std::move(cause), routed};
}

TEST_F(SqliteBatchWrites, RecordRoutingsWritesRowsAndEventsInOneCommit) {
  const int before = counter.commits();
  const auto out =
      routing->record_routings({write_of(1, "HR", "cause-1"), write_of(2, "Finance", "cause-2"),
                                write_of(3, "IT Support", "cause-3")});
  EXPECT_EQ(counter.commits() - before, 1);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& r : out) ASSERT_TRUE(r.has_value());
  EXPECT_LT(out[0]->id, out[1]->id);
  EXPECT_LT(out[1]->id, out[2]->id);
  EXPECT_EQ(out[1]->department, "Finance");
  EXPECT_EQ(routing->history(2).size(), 1u);

  const auto rows = drain(*routing);
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i].routing_key, "ticket.routed");
    const auto e = domain::parse_event(rows[i].body);
    EXPECT_EQ(e.ticket.id, out[i]->ticket_id);
    EXPECT_EQ(e.data.at("routing_id").get<std::int64_t>(), out[i]->id)
        << "the events see the saved record";
  }
}

TEST_F(SqliteBatchWrites, RecordRoutingsIsIdempotentByCauseWithinABatch) {
  const int before = counter.commits();
  const auto out = routing->record_routings(
      {write_of(1, "HR", "cause-1"), write_of(1, "HR", "cause-1"), write_of(2, "HR", "cause-2")});
  EXPECT_EQ(counter.commits() - before, 1);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].has_value());
  EXPECT_FALSE(out[1].has_value()) << "the redelivery inside the batch writes nothing";
  EXPECT_TRUE(out[2].has_value());
  EXPECT_EQ(routing->history(1).size(), 1u);
  EXPECT_EQ(keys(drain(*routing)), (std::vector<std::string>{"ticket.routed", "ticket.routed"}));
}

TEST_F(SqliteBatchWrites, RecordRoutingsIsIdempotentByCauseAcrossBatches) {
  ASSERT_TRUE(routing->record_routing(routing_of(1, "HR"), "cause-1", routed));
  ASSERT_TRUE(routing->record_routings({write_of(2, "HR", "cause-2")}).at(0));
  EXPECT_EQ(drain(*routing).size(), 2u);

  const auto out = routing->record_routings({write_of(1, "Finance", "cause-1"),
                                             write_of(2, "Finance", "cause-2"),
                                             write_of(3, "Finance", "cause-3")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].has_value()) << "recorded by record_routing earlier";
  EXPECT_FALSE(out[1].has_value()) << "recorded by an earlier batch";
  ASSERT_TRUE(out[2].has_value());
  ASSERT_EQ(routing->history(1).size(), 1u);
  EXPECT_EQ(routing->history(1)[0].department, "HR") << "the first routing stands";
  EXPECT_EQ(routing->history(2)[0].department, "HR");
  const auto rows = drain(*routing);
  ASSERT_EQ(rows.size(), 1u) << "only the new routing is announced";
  EXPECT_EQ(domain::parse_event(rows[0].body).ticket.id, 3);
}

TEST_F(SqliteBatchWrites, RecordRoutingsWithoutCauseAlwaysInsert) {
  // Manual reroutes carry no cause event: NULLs never conflict.
  const auto out = routing->record_routings(
      {write_of(1, "HR", std::nullopt), write_of(1, "Finance", std::nullopt)});
  ASSERT_TRUE(out.at(0));
  ASSERT_TRUE(out.at(1));
  EXPECT_EQ(routing->history(1).size(), 2u);
  EXPECT_EQ(drain(*routing).size(), 2u);
}

TEST_F(SqliteBatchWrites, RecordRoutingsIsAllOrNothing) {
  auto failing = write_of(2, "HR", "cause-2");
  failing.events = [](const RoutingRecord&) -> std::vector<Event> {
    throw std::runtime_error("cannot build the event");
  };
  const int before = counter.commits();
  EXPECT_THROW(routing->record_routings(
                   {write_of(1, "HR", "cause-1"), failing, write_of(3, "HR", "cause-3")}),
               std::runtime_error);
  EXPECT_EQ(counter.commits() - before, 0);
  EXPECT_TRUE(routing->history(1).empty());
  EXPECT_TRUE(routing->history(2).empty());
  EXPECT_TRUE(drain(*routing).empty());
  // cause-1 was rolled back too, so it can still be recorded.
  EXPECT_TRUE(routing->record_routings({write_of(1, "HR", "cause-1")}).at(0));
}

TEST_F(SqliteBatchWrites, RecordRoutingsIsNotVisibleBeforeItCommits) {
  std::optional<std::size_t> seen;
  auto second = write_of(2, "HR", "cause-2");
  second.events = [&](const RoutingRecord& r) {
    seen = routing->history(1).size();  // a reader, while the batch is open
    return routed(r);
  };
  routing->record_routings({write_of(1, "HR", "cause-1"), second});
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(routing->history(1).size(), 1u);
}

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
  Event created() { return make(EventType::created, t_.created_at, json::object()); }
  Event categorized(Millis at, const std::string& dept, int confidence) {
    return make(
        EventType::categorized, at,
        {{"department", dept}, {"confidence_score", confidence}, {"categorized_by", "keywords"}});
  }
  Event routed(Millis at, const std::string& dept, int confidence) {
    t_.department = dept;
    t_.confidence_score = confidence;
    t_.categorized_by = CategorizedBy::keywords;
    t_.updated_at = at;
    return make(
        EventType::routed, at,
        {{"department", dept}, {"confidence_score", confidence}, {"categorized_by", "keywords"}});
  }
  Event status(Millis at, Status s) {
    const auto previous = t_.status;
    t_.status = s;
    t_.updated_at = at;
    return make(EventType::status_updated, at,
                {{"status", std::string(domain::to_string(s))},
                 {"previous_status", std::string(domain::to_string(previous))}});
  }

 private:
  Event make(EventType type, Millis at, json data) {
    Event e;
    e.event_id = "t" + std::to_string(t_.id) + "-" + std::to_string(++n_);
    e.type = type;
    e.occurred_at = at;
    e.trace_id = "trace";
    e.ticket = t_;
    e.data = std::move(data);
    return e;
  }
  Ticket t_;
  int n_ = 0;
};

// Three tickets' events, interleaved, one delivered out of order.
std::vector<Event> mixed_events() {
  Life a(1, kT0), b(2, kT0 + kMinute), c(3, kT0 + 2 * kMinute);
  std::vector<Event> out;
  out.push_back(a.created());
  out.push_back(b.created());
  out.push_back(a.categorized(kT0 + 10, "HR", 70));
  out.push_back(a.routed(kT0 + 20, "HR", 70));
  const auto b_routed = b.routed(kT0 + kMinute + 500, "Finance", 90);
  out.push_back(b.status(kT0 + 2 * kMinute, Status::in_progress));
  out.push_back(b_routed);  // arrives after a later status change
  out.push_back(c.created());
  out.push_back(a.status(kT0 + 5 * kMinute, Status::resolved));
  out.push_back(c.routed(kT0 + 3 * kMinute, "IT Support", 55));
  return out;
}

using Counts = std::vector<std::pair<std::string, std::int64_t>>;
Counts counts(const std::vector<ports::NamedCount>& v) {
  Counts out;
  for (const auto& c : v) out.emplace_back(c.name, c.count);
  return out;
}

// Everything observable through the port, as comparable JSON.
json snapshot(ports::AnalyticsStore& s, const std::vector<TicketId>& ids) {
  json out;
  const auto agg = s.aggregate({});
  out["total"] = agg.total;
  out["by_department"] = counts(agg.by_department);
  out["by_status"] = counts(agg.by_status);
  out["by_categorizer"] = counts(agg.by_categorizer);
  out["average_confidence"] = agg.average_confidence ? json(*agg.average_confidence) : json();
  out["resolved"] = agg.resolved;
  out["median"] = agg.median_time_to_route_ms ? json(*agg.median_time_to_route_ms) : json();
  for (auto id : ids) {
    json trail = json::array();
    for (const auto& e : s.trail(id)) {
      trail.push_back({{"type", domain::routing_key(e.event_type)},
                       {"department", e.department ? json(*e.department) : json()},
                       {"status", e.status ? json(domain::to_string(*e.status)) : json()},
                       {"confidence", e.confidence_score ? json(*e.confidence_score) : json()},
                       {"metadata", e.metadata},
                       {"at", e.created_at}});
    }
    out["trail"][std::to_string(id)] = trail;
  }
  return out;
}

TEST_F(SqliteBatchWrites, RecordBatchRecordsEveryEventInOneCommit) {
  const auto events = mixed_events();
  const int before = counter.commits();
  const auto out = analytics->record_batch(events);
  EXPECT_EQ(counter.commits() - before, 1);
  EXPECT_EQ(out, std::vector<bool>(events.size(), true));
  EXPECT_EQ(analytics->aggregate({}).total, 3);
  EXPECT_EQ(analytics->trail(1).size(), 4u);
}

TEST_F(SqliteBatchWrites, RecordBatchProjectionEqualsRecordingOneByOne) {
  const auto events = mixed_events();
  analytics->record_batch(events);

  TempDir other_dir;
  Database other_db(other_dir.file("one-by-one.db"));
  SqliteAnalyticsStore one_by_one(other_db);
  for (const auto& e : events) ASSERT_TRUE(one_by_one.record(e)) << e.event_id;

  const auto batched = snapshot(*analytics, {1, 2, 3});
  const auto single = snapshot(one_by_one, {1, 2, 3});
  EXPECT_EQ(batched, single) << "batched:\n"
                             << batched.dump(2) << "\none by one:\n"
                             << single.dump(2);
  // And the projection is the expected one, not merely the same.
  EXPECT_EQ(counts(analytics->aggregate({}).by_department),
            (Counts{{"Finance", 1}, {"HR", 1}, {"IT Support", 1}}));
  EXPECT_EQ(analytics->aggregate({}).resolved, 1);
}

TEST_F(SqliteBatchWrites, RecordBatchSkipsADuplicateInsideTheBatch) {
  Life a(1, kT0);
  const auto created = a.created();
  const auto routed_a = a.routed(kT0 + 10, "HR", 60);
  auto rerouted = routed_a;  // same event_id, different content: must be ignored
  rerouted.data["department"] = "Finance";
  rerouted.ticket.department = "Finance";
  const auto out = analytics->record_batch({created, routed_a, rerouted, created});
  EXPECT_EQ(out, (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(analytics->trail(1).size(), 2u);
  EXPECT_EQ(counts(analytics->aggregate({}).by_department), (Counts{{"HR", 1}}));
}

TEST_F(SqliteBatchWrites, RecordBatchSkipsEventsAlreadyRecordedAndChangesNothing) {
  const auto events = mixed_events();
  ASSERT_EQ(analytics->record_batch(events), std::vector<bool>(events.size(), true));
  const auto before = snapshot(*analytics, {1, 2, 3});

  std::vector<Event> again = {events[0], events[3], events[5]};
  auto tampered = events[7];  // a's resolution, redelivered with other content
  tampered.data["status"] = "pending";
  tampered.ticket.status = Status::pending;
  again.push_back(tampered);
  const int commits = counter.commits();
  EXPECT_EQ(analytics->record_batch(again), std::vector<bool>(again.size(), false));
  EXPECT_EQ(counter.commits() - commits, 1);
  EXPECT_EQ(snapshot(*analytics, {1, 2, 3}), before) << "redeliveries change nothing";

  // A new event next to a redelivery: only the new one counts.
  Life d(4, kT0 + 10 * kMinute);
  EXPECT_EQ(analytics->record_batch({events[1], d.created()}), (std::vector<bool>{false, true}));
  EXPECT_EQ(analytics->aggregate({}).total, 4);
  EXPECT_EQ(analytics->trail(2).size(), 3u);
  EXPECT_EQ(analytics->trail(4).size(), 1u);
}

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
  EXPECT_TRUE(analytics->trail(1).empty()) << "events before the failure are rolled back";
  EXPECT_EQ(analytics->aggregate({}).total, 0) << "and so is the projection";
}

TEST_F(SqliteBatchWrites, RecordBatchOfNothingReturnsNothing) {
  EXPECT_TRUE(analytics->record_batch({}).empty());
  EXPECT_EQ(analytics->aggregate({}).total, 0);
}

}  // namespace
}  // namespace st::adapters::sqlite
