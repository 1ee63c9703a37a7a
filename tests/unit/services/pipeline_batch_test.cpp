// The services' batch consumers on the real SQLite stores (a temp directory) and the
// in-process bus: routing's on_categorized, analytics' on_events, the categorizer's
// on_created, and the three chained through the bus.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/inproc_bus/inproc_bus.hpp"
#include "adapters/inproc_bus/memory_queue_store.hpp"
#include "adapters/sqlite/analytics_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/queue_store.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "messaging/outbox_relay.hpp"
#include "services/analytics/analytics_service.hpp"
#include "services/categorizer/categorizer_service.hpp"
#include "services/categorizer/keyword_categorizer.hpp"
#include "services/routing/routing_service.hpp"
#include "services/tickets/tickets_service.hpp"
#include "unit/adapters/sqlite/sqlite_test_support.hpp"
#include "unit/support/eventually.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services {
namespace {

using namespace std::chrono_literals;
using domain::Event;
using domain::EventType;
using domain::Ticket;
using domain::TicketId;
using nlohmann::json;
using ports::Delivery;
using ports::Disposition;

using adapters::sqlite::test_support::CommitCounter;
using adapters::sqlite::test_support::drain;
using testing_support::eventually;
using testing_support::TempDir;

class ManualClock final : public ports::Clock {
 public:
  domain::Millis now() const override { return now_.load(); }
  void advance(domain::Millis ms) { now_ += ms; }

 private:
  std::atomic<domain::Millis> now_{1'763'596'800'000};
};

Delivery delivery(const std::string& queue, const Event& e, int count = 1) {
  return {queue,
          std::string(domain::routing_key(e.type())),
          e.event_id,
          domain::serialize(e),
          "00-" + e.event_id + "-01",
          count};
}

Delivery raw_delivery(const std::string& queue, std::string key, std::string id, std::string body) {
  return {queue, std::move(key), std::move(id), std::move(body), "", 1};
}

domain::NewTicket new_ticket(std::string title, std::string description) {
  return {std::move(title), std::move(description), "Ann Lee", "ann@example.com"};
}

// The services of the one-process deployment on one SQLite file.
class PipelineBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    routing.initialize();
    counter.attach(*db);
  }

  Ticket create(const std::string& title,
                const std::string& description = "Something is broken, please help") {
    return tickets.create(new_ticket(title, description), "trace-" + title);
  }

  // The ticket.categorized event the categorizer would publish for `t`.
  Event categorized(const Ticket& t, const std::string& event_id, const std::string& department,
                    int confidence = 80) {
    const domain::payload::Categorized suggestion{
        department, confidence, domain::CategorizedBy::keywords, "matched keywords"};
    auto e = domain::make_event(suggestion, t, clock.now(), "trace");
    e.event_id = event_id;
    return e;
  }

  CommitCounter counter;  // outlives the database its hook is installed on
  TempDir dir;
  ManualClock clock;
  std::unique_ptr<adapters::sqlite::Database> db =
      std::make_unique<adapters::sqlite::Database>(dir.file("smartticket.db"));
  adapters::sqlite::SqliteTicketStore ticket_store{*db};
  adapters::sqlite::SqliteRoutingStore routing_store{*db};
  adapters::sqlite::SqliteAnalyticsStore analytics_store{*db};
  tickets::TicketsService tickets{ticket_store, clock};
  routing::RoutingService routing{routing_store, tickets, clock};
  analytics::AnalyticsService analytics{analytics_store, clock, std::chrono::milliseconds(0)};
};

// ---- RoutingService::on_categorized ---------------------------------------------------------

TEST_F(PipelineBatch, RoutingBatchMixesValidMalformedUnknownTicketUnknownDepartmentAndRedelivery) {
  const auto t1 = create("Payroll question");
  const auto t2 = create("Strange request");
  drain(ticket_store);  // the ticket.created rows; only what the batch adds is checked below

  Ticket ghost = t1;
  ghost.id = 9999;                                        // no such ticket
  const auto valid = categorized(t1, "cat-1", "hr", 77);  // names are matched ignoring case
  const std::vector<Delivery> batch = {
      delivery("routing", valid),
      raw_delivery("routing", "ticket.categorized", "bad-1", "{this is not json"),
      delivery("routing", categorized(ghost, "cat-ghost", "HR")),
      delivery("routing", categorized(t2, "cat-2", "Underwater Basket Weaving", 40)),
      delivery("routing", valid, /*count=*/2),
  };
  const int commits_before = counter.commits();
  const auto out = routing.on_categorized(batch);
  EXPECT_EQ(out, (std::vector<Disposition>{Disposition::ack, Disposition::dead_letter,
                                           Disposition::dead_letter, Disposition::ack,
                                           Disposition::ack}));
  EXPECT_EQ(counter.commits() - commits_before, 2)
      << "one transaction for the departments, one for the routings";

  // t1: routed once to HR (canonical name), the redelivery absorbed.
  const auto h1 = routing.history(t1.id, {}).items;
  ASSERT_EQ(h1.size(), 1u);
  EXPECT_EQ(h1[0].department, "HR");
  EXPECT_EQ(h1[0].confidence_score, 77);
  EXPECT_EQ(tickets.get(t1.id)->department, "HR");
  EXPECT_EQ(tickets.get(t1.id)->confidence_score, 77);

  // t2: the unknown department falls back to General.
  const auto h2 = routing.history(t2.id, {}).items;
  ASSERT_EQ(h2.size(), 1u);
  EXPECT_EQ(h2[0].department, domain::kGeneralDepartment);
  EXPECT_EQ(tickets.get(t2.id)->department, domain::kGeneralDepartment);

  // The ghost got nothing.
  EXPECT_TRUE(routing.history(ghost.id, {}).items.empty());
  EXPECT_FALSE(tickets.get(ghost.id).has_value());
  EXPECT_EQ(routing.statistics().total, 2);

  // Exactly one ticket.routed per routed ticket, with ids derived from the cause.
  const auto rows = drain(routing_store);
  ASSERT_EQ(rows.size(), 2u);
  std::map<TicketId, Event> routed;
  for (const auto& r : rows) {
    EXPECT_EQ(r.routing_key, "ticket.routed");
    auto e = domain::parse_event(r.body);
    routed[e.ticket.id] = e;
  }
  ASSERT_TRUE(routed.contains(t1.id));
  ASSERT_TRUE(routed.contains(t2.id));
  EXPECT_EQ(routed[t1.id].event_id, domain::derived_event_id("cat-1", "routed"));
  const auto* routed_t1 = routed[t1.id].payload_as<domain::payload::Routed>();
  const auto* routed_t2 = routed[t2.id].payload_as<domain::payload::Routed>();
  ASSERT_TRUE(routed_t1 && routed_t2);
  EXPECT_EQ(routed_t1->department, "HR");
  EXPECT_EQ(routed[t1.id].ticket.department, "HR") << "announced after the department is set";
  EXPECT_EQ(routed[t2.id].event_id, domain::derived_event_id("cat-2", "routed"));
  EXPECT_EQ(routed_t2->department, domain::kGeneralDepartment);
  EXPECT_NE(routed_t2->reason.find("Underwater Basket Weaving"), std::string::npos)
      << routed_t2->reason;

  // First departments are announced by routing only: the tickets outbox stays empty.
  EXPECT_TRUE(drain(ticket_store).empty());
}

TEST_F(PipelineBatch, RoutingRedeliveryInALaterBatchIsAcknowledgedAndWritesNothing) {
  const auto t1 = create("Payroll question");
  const auto valid = categorized(t1, "cat-1", "HR");
  ASSERT_EQ(routing.on_categorized({delivery("routing", valid)}),
            (std::vector<Disposition>{Disposition::ack}));
  ASSERT_EQ(drain(routing_store).size(), 1u);
  drain(ticket_store);
  const auto ticket_before = *tickets.get(t1.id);

  clock.advance(60'000);  // a redelivery much later must not touch updated_at either
  EXPECT_EQ(routing.on_categorized({delivery("routing", valid, 2), delivery("routing", valid, 3)}),
            (std::vector<Disposition>{Disposition::ack, Disposition::ack}));
  EXPECT_EQ(routing.history(t1.id, {}).items.size(), 1u);
  EXPECT_TRUE(drain(routing_store).empty()) << "no second ticket.routed";
  EXPECT_TRUE(drain(ticket_store).empty()) << "no ticket.department.updated either";
  EXPECT_EQ(*tickets.get(t1.id), ticket_before);
}

TEST_F(PipelineBatch, RoutingStoresTheCategorizationsExplanationAndAnOldEventLeavesNone) {
  const auto t1 = create("Payroll question");
  const auto t2 = create("Strange request");
  const auto t3 = create("Old message");
  domain::Explanation why;
  why.decided_by = domain::CategorizedBy::keywords;
  why.version = "keyword-rules-2";
  why.candidates = {{"HR", 80}, {"Finance", 30}};
  why.evidence = {"rule \"payroll\" -> HR"};
  auto explained = [&](const Ticket& t, const std::string& id, const std::string& department) {
    auto e = categorized(t, id, department);
    std::get<domain::payload::Categorized>(e.payload).explanation = why;
    return e;
  };
  const auto valid = explained(t1, "cat-1", "HR");
  ASSERT_EQ(routing.on_categorized({delivery("routing", valid),
                                    delivery("routing", explained(t2, "cat-2", "Astrology")),
                                    delivery("routing", categorized(t3, "cat-3", "HR"))}),
            (std::vector<Disposition>(3, Disposition::ack)));
  EXPECT_EQ(tickets.get(t1.id)->explanation, why);
  // Fallen back to General: the explanation says so, after what the categorizer saw.
  const auto fallen = tickets.get(t2.id)->explanation;
  ASSERT_TRUE(fallen);
  ASSERT_EQ(fallen->evidence.size(), 2u);
  EXPECT_EQ(fallen->evidence[1], "department 'Astrology' does not exist: routed to General");
  // Written before explanations existed: routed all the same, with none.
  EXPECT_EQ(tickets.get(t3.id)->department, "HR");
  EXPECT_EQ(tickets.get(t3.id)->explanation, std::nullopt);

  // A redelivery changes nothing.
  drain(ticket_store);
  const auto before = *tickets.get(t1.id);
  clock.advance(60'000);
  routing.on_categorized({delivery("routing", valid, 2)});
  EXPECT_EQ(*tickets.get(t1.id), before);
}

TEST_F(PipelineBatch, RoutingRetriesWhenNotEvenGeneralIsActiveAndRoutesTheRest) {
  const auto t1 = create("one");
  const auto t2 = create("two");
  ASSERT_TRUE(routing.update_department("General", std::nullopt, false));
  ASSERT_TRUE(routing.update_department("Facilities", std::nullopt, false));
  const auto out = routing.on_categorized({delivery("routing", categorized(t1, "c1", "Facilities")),
                                           delivery("routing", categorized(t2, "c2", "Finance"))});
  EXPECT_EQ(out, (std::vector<Disposition>{Disposition::retry, Disposition::ack}));
  EXPECT_TRUE(routing.history(t1.id, {}).items.empty());
  EXPECT_FALSE(tickets.get(t1.id)->department.has_value());
  EXPECT_EQ(tickets.get(t2.id)->department, "Finance");
}

TEST_F(PipelineBatch, RoutingWrongShapeDataIsDeadLetteredNotFatal) {
  const auto t1 = create("one");
  const auto t2 = create("two");
  const auto t3 = create("three");
  json odd = domain::to_json(categorized(t1, "c1", "HR"));
  odd["data"]["department"] = 42;  // valid JSON, wrong type
  json partial = domain::to_json(categorized(t3, "c3", "HR"));
  partial["data"].erase("department");  // a required field: not guessed as General
  const auto out =
      routing.on_categorized({raw_delivery("routing", "ticket.categorized", "c1", odd.dump()),
                              raw_delivery("routing", "ticket.categorized", "empty", ""),
                              raw_delivery("routing", "ticket.categorized", "c3", partial.dump()),
                              delivery("routing", categorized(t2, "c2", "Finance"))});
  EXPECT_EQ(out, (std::vector<Disposition>{Disposition::dead_letter, Disposition::dead_letter,
                                           Disposition::dead_letter, Disposition::ack}));
  EXPECT_TRUE(routing.history(t1.id, {}).items.empty());
  EXPECT_TRUE(routing.history(t3.id, {}).items.empty());
  EXPECT_EQ(routing.history(t2.id, {}).items.size(), 1u);
}

TEST_F(PipelineBatch, RoutingBatchOfOnlyPoisonWritesNothing) {
  const int before = counter.commits();
  const auto out = routing.on_categorized(
      {raw_delivery("routing", "ticket.categorized", "x", "null"),
       raw_delivery("routing", "ticket.categorized", "y", R"({"event_id":"y"})")});
  EXPECT_EQ(out, (std::vector<Disposition>{Disposition::dead_letter, Disposition::dead_letter}));
  EXPECT_EQ(counter.commits() - before, 0);
  EXPECT_TRUE(drain(routing_store).empty());
}

// ---- AnalyticsService::on_events ------------------------------------------------------------

TEST_F(PipelineBatch, AnalyticsDeadLettersOnlyTheMalformedAndRecordsTheRestInOneCommit) {
  const auto t1 = create("one");
  const auto t2 = create("two");
  std::vector<Event> created;
  for (const auto& row : drain(ticket_store)) created.push_back(domain::parse_event(row.body));
  ASSERT_EQ(created.size(), 2u);
  Ticket routed_t1 = *tickets.get(t1.id);
  routed_t1.department = "HR";
  auto routed = domain::make_event(
      domain::payload::Routed{"HR", 90, domain::CategorizedBy::keywords, 1, false}, routed_t1,
      clock.now() + 10, "trace");
  json status_without_status = domain::to_json(domain::make_event(
      domain::payload::StatusUpdated{domain::Status::resolved}, routed_t1, clock.now() + 20, ""));
  status_without_status["data"].erase("status");  // a required field

  const std::vector<Delivery> batch = {
      delivery("analytics", created[0]),
      raw_delivery("analytics", "ticket.created", "garbage", "]]"),
      delivery("analytics", routed),
      raw_delivery("analytics", "ticket.created", "shapeless", R"({"event_id":"shapeless"})"),
      delivery("analytics", created[1]),
      delivery("analytics", created[0], 2),  // a redelivery inside the batch
      raw_delivery("analytics", "ticket.status.updated", "partial", status_without_status.dump()),
  };
  const int before = counter.commits();
  const auto out = analytics.on_events(batch);
  EXPECT_EQ(out,
            (std::vector<Disposition>{Disposition::ack, Disposition::dead_letter, Disposition::ack,
                                      Disposition::dead_letter, Disposition::ack, Disposition::ack,
                                      Disposition::dead_letter}));
  EXPECT_EQ(counter.commits() - before, 1) << "one commit for the batch";

  const auto trail1 = analytics.trail(t1.id, {}).items;
  ASSERT_EQ(trail1.size(), 2u) << "created + routed, the redelivery absorbed";
  EXPECT_EQ(trail1[0].event_type, EventType::created);
  EXPECT_EQ(trail1[1].event_type, EventType::routed);
  EXPECT_EQ(analytics.trail(t2.id, {}).items.size(), 1u);
  const auto agg = analytics.aggregate(analytics::Period::all, std::nullopt);
  EXPECT_EQ(agg.total, 2);
  ASSERT_EQ(agg.by_department.size(), 1u);
  EXPECT_EQ(agg.by_department[0].name, "HR");

  // A later redelivery of the whole batch is acknowledged and changes nothing.
  EXPECT_EQ(analytics.on_events(batch), out);
  EXPECT_EQ(analytics.trail(t1.id, {}).items.size(), 2u);
}

TEST_F(PipelineBatch, AnalyticsFailingBatchFallsBackToOneByOneAndRetriesOnlyTheFailure) {
  const auto t1 = create("one");
  const auto t2 = create("two");
  std::vector<Event> created;
  for (const auto& row : drain(ticket_store)) created.push_back(domain::parse_event(row.body));
  ASSERT_EQ(created.size(), 2u);
  auto poison = created[1];
  poison.event_id = "poison";
  // The database rejects this one event: record_batch fails as a whole.
  db->write([](adapters::sqlite::Connection& c) {
    c.exec(
        "CREATE TRIGGER reject_poison BEFORE INSERT ON analytics_events "
        "WHEN NEW.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poison event'); END");
  });
  const auto out =
      analytics.on_events({delivery("analytics", created[0]), delivery("analytics", poison),
                           delivery("analytics", created[1])});
  EXPECT_EQ(out,
            (std::vector<Disposition>{Disposition::ack, Disposition::retry, Disposition::ack}));
  EXPECT_EQ(analytics.trail(t1.id, {}).items.size(), 1u);
  EXPECT_EQ(analytics.trail(t2.id, {}).items.size(), 1u) << "recorded under its own id";
}

// ---- CategorizerService::on_created ---------------------------------------------------------

// Captures what is published to ticket.categorized.
class Capture {
 public:
  ports::BatchConsumer consumer() {
    return [this](const std::vector<Delivery>& batch) {
      std::lock_guard lk(mu_);
      seen_.insert(seen_.end(), batch.begin(), batch.end());
      return std::vector<Disposition>(batch.size(), Disposition::ack);
    };
  }
  std::vector<Delivery> seen() const {
    std::lock_guard lk(mu_);
    return seen_;
  }
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return seen_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Delivery> seen_;
};

TEST_F(PipelineBatch, CategorizerPublishesOneCategorizedPerValidInputWithDerivedIds) {
  adapters::inproc::MemoryQueueStore queue_store;
  adapters::inproc::InProcBus bus(queue_store);
  Capture capture;
  ports::QueueSpec spec;
  spec.name = "routing";
  spec.bindings = {"ticket.categorized"};
  bus.subscribe(spec, capture.consumer());
  bus.start();

  categorizer::KeywordCategorizer keywords;
  categorizer::CategorizerService categorizer({&keywords}, routing, bus, clock);

  create("I forgot my password", "Cannot log in to my laptop, the VPN rejects my password");
  create("Payslip is wrong", "My salary payroll for this month is missing overtime");
  std::vector<Event> created;
  for (const auto& row : drain(ticket_store)) created.push_back(domain::parse_event(row.body));
  ASSERT_EQ(created.size(), 2u);

  const auto out = categorizer.on_created(
      {delivery("categorizer", created[0]),
       raw_delivery("categorizer", "ticket.created", "junk", R"({"event_id":"junk"})"),
       delivery("categorizer", created[1])});
  EXPECT_EQ(out, (std::vector<Disposition>{Disposition::ack, Disposition::dead_letter,
                                           Disposition::ack}));
  ASSERT_TRUE(eventually([&] { return capture.size() == 2; })) << capture.size();

  const auto first = capture.seen();
  std::set<std::string> departments;
  for (const auto& n : routing.departments(false)) departments.insert(n.name);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& d = first[i];
    EXPECT_EQ(d.routing_key, "ticket.categorized");
    EXPECT_EQ(d.event_id, domain::derived_event_id(created[i].event_id, "categorized"))
        << "the output id is derived from the input id";
    EXPECT_NE(d.event_id, created[i].event_id);
    EXPECT_EQ(d.traceparent, "00-" + created[i].event_id + "-01") << "trace context carried";
    const auto e = domain::parse_event(d.body);
    EXPECT_EQ(e.event_id, d.event_id);
    EXPECT_EQ(e.type(), EventType::categorized);
    EXPECT_EQ(e.ticket.id, created[i].ticket.id);
    EXPECT_EQ(e.trace_id, created[i].trace_id);
    const auto* suggestion = e.payload_as<domain::payload::Categorized>();
    ASSERT_TRUE(suggestion);
    EXPECT_TRUE(departments.contains(suggestion->department)) << suggestion->department;
  }
  EXPECT_NE(first[0].event_id, first[1].event_id);

  // The same input again (a redelivery) yields the same output id.
  EXPECT_EQ(categorizer.on_created({delivery("categorizer", created[0], 2)}),
            (std::vector<Disposition>{Disposition::ack}));
  ASSERT_TRUE(eventually([&] { return capture.size() == 3; }));
  const auto again = capture.seen().at(2);
  EXPECT_EQ(again.event_id, first[0].event_id);
  EXPECT_EQ(domain::parse_event(again.body).payload, domain::parse_event(first[0].body).payload);
  bus.stop();
}

TEST_F(PipelineBatch, CategorizerBatchOfOnlyMalformedPublishesNothing) {
  adapters::inproc::MemoryQueueStore queue_store;
  adapters::inproc::InProcBus bus(queue_store);
  Capture capture;
  ports::QueueSpec spec;
  spec.name = "routing";
  spec.bindings = {"ticket.categorized"};
  bus.subscribe(spec, capture.consumer());
  bus.start();
  categorizer::KeywordCategorizer keywords;
  categorizer::CategorizerService categorizer({&keywords}, routing, bus, clock);
  EXPECT_EQ(categorizer.on_created({raw_delivery("categorizer", "ticket.created", "a", "[]")}),
            (std::vector<Disposition>{Disposition::dead_letter}));
  bus.stop();
  EXPECT_EQ(capture.size(), 0u);
  EXPECT_TRUE(queue_store.pending("routing").empty());
}

// ---- The three chained through the bus -----------------------------------------------------

TEST_F(PipelineBatch, TicketsFlowThroughBatchConsumersOnADurableBus) {
  adapters::sqlite::SqliteQueueStore queue_store(*db);
  adapters::inproc::InProcBus bus(queue_store);
  categorizer::KeywordCategorizer keywords;
  categorizer::CategorizerService categorizer({&keywords}, routing, bus, clock);

  auto spec = [](std::string name, std::vector<std::string> bindings) {
    ports::QueueSpec s;
    s.name = std::move(name);
    s.bindings = std::move(bindings);
    s.prefetch = 16;
    return s;
  };
  bus.subscribe(spec("categorizer", {"ticket.created"}),
                [&](const std::vector<Delivery>& b) { return categorizer.on_created(b); });
  bus.subscribe(spec("routing", {"ticket.categorized"}),
                [&](const std::vector<Delivery>& b) { return routing.on_categorized(b); });
  bus.subscribe(spec("analytics", {"ticket.#"}),
                [&](const std::vector<Delivery>& b) { return analytics.on_events(b); });

  constexpr int kTickets = 12;
  std::vector<TicketId> ids;
  for (int i = 0; i < kTickets; ++i) ids.push_back(create("ticket " + std::to_string(i)).id);

  // Created before the relays start: their first pass publishes all of them at once, so the
  // consumers see real batches.
  messaging::OutboxRelay ticket_relay(ticket_store, bus);
  messaging::OutboxRelay routing_relay(routing_store, bus);
  bus.start();
  ticket_relay.start();
  routing_relay.start();

  const bool done = eventually([&] {
    return analytics.aggregate(analytics::Period::all, std::nullopt).by_department.size() > 0 &&
           routing.statistics().total == kTickets &&
           analytics_store.aggregate({}).median_time_to_route_ms.has_value() && [&] {
             for (auto id : ids)
               if (analytics.trail(id, {}).items.size() != 3)
                 return false;  // created, categorized, routed
             return true;
           }();
  });
  routing_relay.stop();
  ticket_relay.stop();
  bus.stop();
  ASSERT_TRUE(done) << "routed: " << routing.statistics().total;

  for (auto id : ids) {
    const auto t = tickets.get(id);
    ASSERT_TRUE(t && t->department) << id;
    const auto h = routing.history(id, {}).items;
    ASSERT_EQ(h.size(), 1u) << id;
    EXPECT_EQ(h[0].department, *t->department);
  }
  std::int64_t routed = 0;
  for (const auto& c : analytics_store.aggregate({}).by_department) routed += c.count;
  EXPECT_EQ(routed, kTickets);
  for (const char* q : {"categorizer", "routing", "analytics"}) {
    EXPECT_TRUE(bus.dead_letters(q).empty()) << q;
    EXPECT_TRUE(queue_store.pending(q).empty()) << q;
  }
}

}  // namespace
}  // namespace st::services
