// The stores' batch writes (create_batch, update_batch, record_routings, record_batch) on
// every storage adapter: one transaction for the whole batch, all or nothing, the same
// results as one write at a time. (That a batch is one commit is checked per adapter.)
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;
using st::test_support::record_one;
using st::test_support::record_one_routing;

namespace st::contract {
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

std::vector<std::string> keys(const std::vector<ports::OutboxMessage>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.routing_key);
  return out;
}

// One database file holding the three services' tables, as in the one-process deployment.
// The three services' stores on one database, as in the one-process deployment.
template <class Backend>
class BatchWritesContract : public ::testing::Test {
 protected:
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

  Backend backend;
  std::unique_ptr<typename Backend::TicketStore> tickets =
      backend.template make<typename Backend::TicketStore>();
  std::unique_ptr<typename Backend::RoutingStore> routing =
      backend.template make<typename Backend::RoutingStore>();
  std::unique_ptr<typename Backend::AnalyticsStore> analytics =
      backend.template make<typename Backend::AnalyticsStore>();
};

TYPED_TEST_SUITE(BatchWritesContract, Backends, BackendName);

TYPED_TEST(BatchWritesContract, UpdateBatchAppliesEveryChangeInOneCommit) {
  std::vector<TicketId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(this->create("t" + std::to_string(i)).id);
  std::vector<std::pair<TicketId, ports::TicketChange>> changes;
  for (int i = 0; i < 5; ++i) changes.emplace_back(ids[i], this->rename("new" + std::to_string(i)));

  const auto out = this->tickets->update_batch(changes);

  ASSERT_EQ(out.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(out[i].has_value()) << i;
    EXPECT_EQ(out[i]->id, ids[i]);
    EXPECT_EQ(out[i]->title, "new" + std::to_string(i));
    EXPECT_EQ(this->tickets->get(ids[i])->title, "new" + std::to_string(i));
  }
  const auto rows = drain(*this->tickets);
  ASSERT_EQ(rows.size(), 5u) << "one outbox row per change's event, same transaction";
  for (int i = 0; i < 5; ++i) {
    const auto e = domain::parse_event(rows[i].body);
    EXPECT_EQ(e.ticket.id, ids[i]) << "outbox keeps the batch order";
    EXPECT_EQ(e.ticket.title, "new" + std::to_string(i));
  }
}

TYPED_TEST(BatchWritesContract, UpdateBatchIsNotVisibleToReadersBeforeItCommits) {
  const auto a = this->create("a");
  const auto b = this->create("b");
  std::optional<std::string> seen_mid_batch;
  auto out = this->tickets->update_batch(
      {{a.id, this->rename("a2")}, {b.id, [&](Ticket& t) {
                                      // A reader connection, while the batch
                                      // is open.
                                      seen_mid_batch = this->tickets->get(a.id)->title;
                                      t.title = "b2";
                                      return std::vector<Event>{};
                                    }}});
  EXPECT_EQ(seen_mid_batch, "a") << "the first change was committed before the second ran";
  EXPECT_EQ(this->tickets->get(a.id)->title, "a2");
  EXPECT_EQ(this->tickets->get(b.id)->title, "b2");
}

TYPED_TEST(BatchWritesContract, UpdateBatchIsAllOrNothing) {
  const auto a = this->create("a");
  const auto b = this->create("b");
  const auto c = this->create("c");
  int listener_calls = 0;
  this->tickets->set_listener([&] { ++listener_calls; });
  EXPECT_THROW(this->tickets->update_batch({{a.id, this->rename("a2")},
                                            {b.id,
                                             [](Ticket& t) -> std::vector<Event> {
                                               t.title = "half-done";
                                               throw std::runtime_error("change failed");
                                             }},
                                            {c.id, this->rename("c2")}}),
               std::runtime_error);
  EXPECT_EQ(this->tickets->get(a.id)->title, "a") << "rolled back with the failing change";
  EXPECT_EQ(this->tickets->get(b.id)->title, "b");
  EXPECT_EQ(this->tickets->get(c.id)->title, "c");
  EXPECT_TRUE(drain(*this->tickets).empty()) << "no outbox row from a failed batch";
  EXPECT_EQ(listener_calls, 0);

  // The writer is usable again afterwards.
  auto out = this->tickets->update_batch({{a.id, this->rename("a3")}});
  ASSERT_TRUE(out.at(0));
  EXPECT_EQ(this->tickets->get(a.id)->title, "a3");
  EXPECT_EQ(listener_calls, 1);
}

TYPED_TEST(BatchWritesContract, UpdateBatchGivesNulloptForUnknownIdsWithoutCallingTheirChange) {
  const auto a = this->create("a");
  const auto b = this->create("b");
  int unknown_calls = 0;
  auto counted = [&](Ticket& t) {
    ++unknown_calls;
    t.title = "never";
    return std::vector<Event>{};
  };
  const auto out = this->tickets->update_batch(
      {{9999, counted}, {a.id, this->rename("a2")}, {-1, counted}, {b.id, this->rename("b2")}});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_FALSE(out[0].has_value());
  ASSERT_TRUE(out[1].has_value());
  EXPECT_EQ(out[1]->title, "a2");
  EXPECT_FALSE(out[2].has_value());
  ASSERT_TRUE(out[3].has_value());
  EXPECT_EQ(out[3]->title, "b2");
  EXPECT_EQ(unknown_calls, 0);
  EXPECT_EQ(drain(*this->tickets).size(), 2u);
}

TYPED_TEST(BatchWritesContract, UpdateBatchSeesItsOwnEarlierChangesToTheSameTicket) {
  const auto a = this->create("a");
  auto append = [](std::string suffix) {
    return ports::TicketChange([suffix](Ticket& t) {
      t.title += suffix;
      return std::vector<Event>{};
    });
  };
  const auto out = this->tickets->update_batch({{a.id, append("+1")}, {a.id, append("+2")}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]->title, "a+1");
  EXPECT_EQ(out[1]->title, "a+1+2");
  EXPECT_EQ(this->tickets->get(a.id)->title, "a+1+2");
}

TYPED_TEST(BatchWritesContract, UpdateBatchChangeThatDoesNothingWritesNothing) {
  const auto a = this->create("a");
  const auto stored = *this->tickets->get(a.id);
  const auto out =
      this->tickets->update_batch({{a.id, [](Ticket&) { return std::vector<Event>{}; }}});
  ASSERT_TRUE(out.at(0));
  EXPECT_EQ(*out[0], stored);
  EXPECT_EQ(*this->tickets->get(a.id), stored);
  EXPECT_TRUE(drain(*this->tickets).empty());
}

TYPED_TEST(BatchWritesContract, UpdateBatchCannotChangeTheId) {
  const auto a = this->create("a");
  const auto out = this->tickets->update_batch({{a.id, [](Ticket& t) {
                                                   t.id = 4242;
                                                   t.title = "moved?";
                                                   return std::vector<Event>{};
                                                 }}});
  ASSERT_TRUE(out.at(0));
  EXPECT_EQ(out[0]->id, a.id);
  EXPECT_EQ(this->tickets->get(a.id)->title, "moved?");
  EXPECT_FALSE(this->tickets->get(4242).has_value());
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
  const domain::payload::Routed routed{r.department, r.confidence_score, r.categorized_by, r.id,
                                       r.manual};
  return {domain::make_event(routed, t, r.routed_at, "")};
}

ports::RoutingStore::RoutingWrite write_of(TicketId ticket, std::string department,
                                           std::optional<std::string> cause) {
  return {routing_of(ticket, std::move(department)), std::move(cause), routed};
}

TYPED_TEST(BatchWritesContract, RecordRoutingsWritesRowsAndEventsInOneCommit) {
  const auto out = this->routing->record_routings({write_of(1, "HR", "cause-1"),
                                                   write_of(2, "Finance", "cause-2"),
                                                   write_of(3, "IT Support", "cause-3")});
  ASSERT_EQ(out.size(), 3u);
  for (const auto& r : out) ASSERT_TRUE(r.has_value());
  EXPECT_LT(out[0]->id, out[1]->id);
  EXPECT_LT(out[1]->id, out[2]->id);
  EXPECT_EQ(out[1]->department, "Finance");
  EXPECT_EQ(this->routing->history(2, {}).items.size(), 1u);

  const auto rows = drain(*this->routing);
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i].routing_key, "ticket.routed");
    const auto e = domain::parse_event(rows[i].body);
    EXPECT_EQ(e.ticket.id, out[i]->ticket_id);
    EXPECT_EQ(std::get<domain::payload::Routed>(e.payload).routing_id, out[i]->id)
        << "the events see the saved record";
  }
}

TYPED_TEST(BatchWritesContract, RecordRoutingsIsIdempotentByCauseWithinABatch) {
  const auto out = this->routing->record_routings(
      {write_of(1, "HR", "cause-1"), write_of(1, "HR", "cause-1"), write_of(2, "HR", "cause-2")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].has_value());
  EXPECT_FALSE(out[1].has_value()) << "the redelivery inside the batch writes nothing";
  EXPECT_TRUE(out[2].has_value());
  EXPECT_EQ(this->routing->history(1, {}).items.size(), 1u);
  EXPECT_EQ(keys(drain(*this->routing)),
            (std::vector<std::string>{"ticket.routed", "ticket.routed"}));
}

TYPED_TEST(BatchWritesContract, RecordRoutingsIsIdempotentByCauseAcrossBatches) {
  ASSERT_TRUE(record_one_routing(*this->routing, routing_of(1, "HR"), "cause-1", routed));
  ASSERT_TRUE(this->routing->record_routings({write_of(2, "HR", "cause-2")}).at(0));
  EXPECT_EQ(drain(*this->routing).size(), 2u);

  const auto out = this->routing->record_routings({write_of(1, "Finance", "cause-1"),
                                                   write_of(2, "Finance", "cause-2"),
                                                   write_of(3, "Finance", "cause-3")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].has_value()) << "recorded by record_one_routing earlier";
  EXPECT_FALSE(out[1].has_value()) << "recorded by an earlier batch";
  ASSERT_TRUE(out[2].has_value());
  ASSERT_EQ(this->routing->history(1, {}).items.size(), 1u);
  EXPECT_EQ(this->routing->history(1, {}).items[0].department, "HR") << "the first routing stands";
  EXPECT_EQ(this->routing->history(2, {}).items[0].department, "HR");
  const auto rows = drain(*this->routing);
  ASSERT_EQ(rows.size(), 1u) << "only the new routing is announced";
  EXPECT_EQ(domain::parse_event(rows[0].body).ticket.id, 3);
}

TYPED_TEST(BatchWritesContract, RecordRoutingsWithoutCauseAlwaysInsert) {
  // Manual reroutes carry no cause event: NULLs never conflict.
  const auto out = this->routing->record_routings(
      {write_of(1, "HR", std::nullopt), write_of(1, "Finance", std::nullopt)});
  ASSERT_TRUE(out.at(0));
  ASSERT_TRUE(out.at(1));
  EXPECT_EQ(this->routing->history(1, {}).items.size(), 2u);
  EXPECT_EQ(drain(*this->routing).size(), 2u);
}

TYPED_TEST(BatchWritesContract, RecordRoutingsIsAllOrNothing) {
  auto failing = write_of(2, "HR", "cause-2");
  failing.events = [](const RoutingRecord&) -> std::vector<Event> {
    throw std::runtime_error("cannot build the event");
  };
  EXPECT_THROW(this->routing->record_routings(
                   {write_of(1, "HR", "cause-1"), failing, write_of(3, "HR", "cause-3")}),
               std::runtime_error);
  EXPECT_TRUE(this->routing->history(1, {}).items.empty());
  EXPECT_TRUE(this->routing->history(2, {}).items.empty());
  EXPECT_TRUE(drain(*this->routing).empty());
  // cause-1 was rolled back too, so it can still be recorded.
  EXPECT_TRUE(this->routing->record_routings({write_of(1, "HR", "cause-1")}).at(0));
}

TYPED_TEST(BatchWritesContract, RecordRoutingsIsNotVisibleBeforeItCommits) {
  std::optional<std::size_t> seen;
  auto second = write_of(2, "HR", "cause-2");
  second.events = [&](const RoutingRecord& r) {
    seen = this->routing->history(1, {}).items.size();  // a reader, while the batch is open
    return routed(r);
  };
  this->routing->record_routings({write_of(1, "HR", "cause-1"), second});
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(this->routing->history(1, {}).items.size(), 1u);
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
    for (const auto& e : s.trail(id, {}).items) {
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

TYPED_TEST(BatchWritesContract, RecordBatchRecordsEveryEventInOneCommit) {
  const auto events = mixed_events();
  const auto out = this->analytics->record_batch(events);
  EXPECT_EQ(out, std::vector<bool>(events.size(), true));
  EXPECT_EQ(this->analytics->aggregate({}).total, 3);
  EXPECT_EQ(this->analytics->trail(1, {}).items.size(), 4u);
}

TYPED_TEST(BatchWritesContract, RecordBatchProjectionEqualsRecordingOneByOne) {
  const auto events = mixed_events();
  this->analytics->record_batch(events);

  TypeParam other;  // a second, empty database of the same kind
  auto one_by_one_store = other.template make<typename TypeParam::AnalyticsStore>();
  auto& one_by_one = *one_by_one_store;
  for (const auto& e : events) ASSERT_TRUE(record_one(one_by_one, e)) << e.event_id;

  const auto batched = snapshot(*this->analytics, {1, 2, 3});
  const auto single = snapshot(one_by_one, {1, 2, 3});
  EXPECT_EQ(batched, single) << "batched:\n"
                             << batched.dump(2) << "\none by one:\n"
                             << single.dump(2);
  // And the projection is the expected one, not merely the same.
  EXPECT_EQ(counts(this->analytics->aggregate({}).by_department),
            (Counts{{"Finance", 1}, {"HR", 1}, {"IT Support", 1}}));
  EXPECT_EQ(this->analytics->aggregate({}).resolved, 1);
}

TYPED_TEST(BatchWritesContract, RecordBatchSkipsADuplicateInsideTheBatch) {
  Life a(1, kT0);
  const auto created = a.created();
  const auto routed_a = a.routed(kT0 + 10, "HR", 60);
  auto rerouted = routed_a;  // same event_id, different content: must be ignored
  std::get<payload::Routed>(rerouted.payload).department = "Finance";
  rerouted.ticket.department = "Finance";
  const auto out = this->analytics->record_batch({created, routed_a, rerouted, created});
  EXPECT_EQ(out, (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(this->analytics->trail(1, {}).items.size(), 2u);
  EXPECT_EQ(counts(this->analytics->aggregate({}).by_department), (Counts{{"HR", 1}}));
}

TYPED_TEST(BatchWritesContract, RecordBatchSkipsEventsAlreadyRecordedAndChangesNothing) {
  const auto events = mixed_events();
  ASSERT_EQ(this->analytics->record_batch(events), std::vector<bool>(events.size(), true));
  const auto before = snapshot(*this->analytics, {1, 2, 3});

  std::vector<Event> again = {events[0], events[3], events[5]};
  auto tampered = events[7];  // a's resolution, redelivered with other content
  std::get<payload::StatusUpdated>(tampered.payload).status = Status::pending;
  tampered.ticket.status = Status::pending;
  again.push_back(tampered);
  EXPECT_EQ(this->analytics->record_batch(again), std::vector<bool>(again.size(), false));
  EXPECT_EQ(snapshot(*this->analytics, {1, 2, 3}), before) << "redeliveries change nothing";

  // A new event next to a redelivery: only the new one counts.
  Life d(4, kT0 + 10 * kMinute);
  EXPECT_EQ(this->analytics->record_batch({events[1], d.created()}),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(this->analytics->aggregate({}).total, 4);
  EXPECT_EQ(this->analytics->trail(2, {}).items.size(), 3u);
  EXPECT_EQ(this->analytics->trail(4, {}).items.size(), 1u);
}

TYPED_TEST(BatchWritesContract, RecordBatchOfNothingReturnsNothing) {
  EXPECT_TRUE(this->analytics->record_batch({}).empty());
  EXPECT_EQ(this->analytics->aggregate({}).total, 0);
}

// ---- TicketStore::create_batch ---------------------------------------------------------------

// One ticket.created per ticket, as the tickets service emits them.
std::vector<Event> created(const Ticket& t) {
  return {domain::make_event(domain::payload::Created{}, t, t.created_at, "trace")};
}

TYPED_TEST(BatchWritesContract, CreateBatchNumbersTicketsInOrderWithTheirEvents) {
  const auto first = this->create("before the batch");
  std::vector<ports::TicketCreate> batch;
  for (int i = 0; i < 4; ++i)
    batch.push_back(
        {{"batch " + std::to_string(i), "Something is broken, please help", "Ann", "a@x.io"},
         created});
  const auto out = this->tickets->create_batch(batch, 1'700'000'000'042);
  ASSERT_EQ(out.size(), 4u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].title, "batch " + std::to_string(i));
    EXPECT_EQ(out[i].id, first.id + 1 + static_cast<TicketId>(i)) << "ids in the order given";
    EXPECT_EQ(out[i].created_at, 1'700'000'000'042);
    EXPECT_EQ(this->tickets->get(out[i].id), out[i]);
  }
  const auto rows = drain(*this->tickets);
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto e = domain::parse_event(rows[i].body);
    EXPECT_EQ(e.ticket.id, out[i].id) << "events see the assigned id";
    EXPECT_EQ(e.ticket.title, out[i].title);
  }
  EXPECT_TRUE(this->tickets->create_batch({}, 1).empty());
}

TYPED_TEST(BatchWritesContract, ACreateKeyMakesOneTicketHoweverOftenItIsSent) {
  auto write = [](std::string title, std::string key) {
    return ports::TicketCreate(
        {std::move(title), "Something is broken, please help", "Ann", "a@x.io"}, created,
        std::move(key));
  };
  const std::string k1(64, '1'), k2(64, '2');
  const auto first = this->tickets->create_batch({write("first", k1)}, 1'700'000'000'000);
  ASSERT_EQ(first.size(), 1u);
  // A later batch repeats k1 (twice), brings k2 twice, and a create without a key.
  const auto out = this->tickets->create_batch(
      {write("first again", k1), write("second", k2), write("no key", ""),
       write("second again", k2), write("first once more", k1)},
      1'700'000'000'500);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0], first[0]) << "the stored ticket, as stored";
  EXPECT_EQ(out[4], first[0]);
  EXPECT_EQ(out[1].title, "second");
  EXPECT_EQ(out[3], out[1]) << "a key repeated inside a batch is one ticket";
  EXPECT_EQ(out[2].title, "no key");
  EXPECT_NE(out[1].id, out[2].id);
  EXPECT_EQ(this->tickets->list({}).size(), 3u);
  // One ticket.created per ticket made, none for the repeats.
  const auto rows = drain(*this->tickets);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(domain::parse_event(rows[1].body).ticket.id, out[1].id);
  EXPECT_EQ(domain::parse_event(rows[2].body).ticket.id, out[2].id);
  // A repeat answers the ticket as it is now, changes included.
  this->tickets->update_batch({{first[0].id, [](Ticket& t) -> std::vector<Event> {
                                  t.status = domain::Status::resolved;
                                  return {};
                                }}});
  const auto later = this->tickets->create_batch({write("late", k1)}, 1'700'000'001'000);
  EXPECT_EQ(later.at(0).status, domain::Status::resolved);
  EXPECT_EQ(this->tickets->list({}).size(), 3u);
}

TYPED_TEST(BatchWritesContract, CreateBatchIsAllOrNothing) {
  int notified = 0;
  this->tickets->set_listener([&] { ++notified; });
  std::vector<ports::TicketCreate> batch;
  batch.push_back({{"fine one", "Something is broken, please help", "Ann", "a@x.io"}, created});
  batch.push_back({{"doomed", "Something is broken, please help", "Ann", "a@x.io"},
                   [](const Ticket&) -> std::vector<Event> { throw std::runtime_error("no"); }});
  EXPECT_THROW(this->tickets->create_batch(batch, 1), std::runtime_error);
  EXPECT_TRUE(this->tickets->list({}).empty());
  EXPECT_TRUE(drain(*this->tickets).empty());
  EXPECT_EQ(notified, 0);
}

}  // namespace
}  // namespace st::contract
