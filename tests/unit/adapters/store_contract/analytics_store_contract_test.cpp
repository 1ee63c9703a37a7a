// The AnalyticsStore contract, run on every storage adapter (see backends.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::record_one;

namespace st::contract {
namespace {

namespace payload = domain::payload;
using domain::CategorizedBy;
using domain::Event;
using domain::EventType;
using domain::Millis;
using domain::Status;
using domain::Ticket;
using nlohmann::json;
using ports::NamedCount;

const Millis kDay0 = *domain::parse_iso8601("2026-11-20T00:00:00Z");
constexpr Millis kHour = 3'600'000;

using Counts = std::vector<std::pair<std::string, std::int64_t>>;

Counts counts(const std::vector<NamedCount>& v) {
  Counts out;
  for (const auto& c : v) out.emplace_back(c.name, c.count);
  return out;
}

// Builds the events of one ticket's life the way the services emit them.
class Life {
 public:
  Life(domain::TicketId id, Millis created_at) {
    t_.id = id;
    t_.title = "Ticket " + std::to_string(id);
    t_.description = "Something happened";
    t_.user_name = "Ann";
    t_.user_email = "ann@example.com";
    t_.created_at = created_at;
    t_.updated_at = created_at;
  }
  Event created() { return make(payload::Created{}, t_.created_at); }
  Event categorized(Millis at, const std::string& department, int confidence, CategorizedBy by) {
    return make(payload::Categorized{department, confidence, by}, at);
  }
  // The tickets service assigns at `at`, routing announces it right after.
  Event routed(Millis at, const std::string& department, int confidence, CategorizedBy by) {
    t_.department = department;
    t_.confidence_score = confidence;
    t_.categorized_by = by;
    t_.updated_at = at;
    return make(payload::Routed{department, confidence, by}, at + 1);
  }
  Event status(Millis at, Status s) {
    const auto previous = t_.status;
    t_.status = s;
    t_.updated_at = at;
    return make(payload::StatusUpdated{s, previous}, at);
  }
  Event priority(Millis at, domain::Priority p) {
    const auto previous = t_.priority;
    t_.priority = p;
    t_.updated_at = at;
    return make(payload::PriorityUpdated{p, previous}, at);
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

template <class Backend>
class AnalyticsStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::AnalyticsStore;
  void record_all(const std::vector<Event>& events) {
    for (const auto& e : events) ASSERT_TRUE(record_one(*store, e)) << e.event_id;
  }
  // Ticket 1 created, categorized, routed and resolved, arriving in another order (the
  // trail's order is occurrence, not arrival). Returns them in occurrence order.
  std::vector<Event> record_a_life_out_of_order() {
    Life life(1, kDay0);
    const auto created = life.created();
    const auto categorized = life.categorized(kDay0 + 100, "IT Support", 91, CategorizedBy::claude);
    const auto routed = life.routed(kDay0 + 400, "IT Support", 91, CategorizedBy::claude);
    const auto resolved = life.status(kDay0 + 2000, Status::resolved);
    record_all({resolved, routed, created, categorized});
    return {created, categorized, routed, resolved};
  }
  void reopen() {
    store.reset();
    backend.reopen();
    store = backend.template make<Store>();
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(AnalyticsStoreContract, Backends, BackendName);

TYPED_TEST(AnalyticsStoreContract, RecordIsIdempotentByEventId) {
  Life life(1, kDay0);
  const auto created = life.created();
  EXPECT_TRUE(record_one(*this->store, created));
  EXPECT_FALSE(record_one(*this->store, created));
  this->reopen();
  EXPECT_FALSE(record_one(*this->store, created));
  EXPECT_EQ(this->store->trail(1, {}).items.size(), 1u);
  EXPECT_EQ(this->store->aggregate({}).total, 1);
}

TYPED_TEST(AnalyticsStoreContract, TrailIsPagedInOccurrenceOrderAfterTheCursor) {
  this->record_a_life_out_of_order();
  this->record_all({Life(2, kDay0).created()});  // another ticket's

  std::vector<EventType> seen;
  ports::PageRequest request{.after_id = std::nullopt, .limit = 3};
  auto page = this->store->trail(1, request);
  ASSERT_EQ(page.items.size(), 3u);
  ASSERT_TRUE(page.next_after);
  for (const auto& e : page.items) seen.push_back(e.event_type);
  EXPECT_EQ(*page.next_after, page.items.back().id);
  request.after_id = page.next_after;
  page = this->store->trail(1, request);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.next_after) << "the last page";
  seen.push_back(page.items[0].event_type);
  EXPECT_EQ(seen, (std::vector<EventType>{EventType::created, EventType::categorized,
                                          EventType::routed, EventType::status_updated}));
  // A page exactly full is the last one too.
  EXPECT_FALSE(this->store->trail(1, {.after_id = std::nullopt, .limit = 4}).next_after);
}

TYPED_TEST(AnalyticsStoreContract, TrailIsOldestFirstWithMetadata) {
  const auto life = this->record_a_life_out_of_order();

  const auto trail = this->store->trail(1, {}).items;
  ASSERT_EQ(trail.size(), 4u);
  EXPECT_EQ(trail[0].event_type, EventType::created);
  EXPECT_EQ(trail[0].status, Status::pending);
  EXPECT_EQ(trail[0].department, std::nullopt);
  EXPECT_EQ(trail[0].created_at, kDay0);

  EXPECT_EQ(trail[1].event_type, EventType::categorized);
  EXPECT_EQ(trail[1].department, "IT Support");  // the suggestion, from data
  EXPECT_EQ(trail[1].confidence_score, 91);
  EXPECT_EQ(trail[1].metadata["categorized_by"], "claude");

  EXPECT_EQ(trail[2].event_type, EventType::routed);
  EXPECT_EQ(trail[2].department, "IT Support");
  EXPECT_EQ(trail[2].created_at, kDay0 + 401);

  EXPECT_EQ(trail[3].event_type, EventType::status_updated);
  EXPECT_EQ(trail[3].status, Status::resolved);
  EXPECT_EQ(trail[3].metadata["status"], "resolved");
  EXPECT_EQ(trail[3].metadata["previous_status"], "pending");
  EXPECT_EQ(trail[3].metadata["categorized_by"], "claude");  // from the ticket snapshot
  EXPECT_EQ(trail[3].metadata["trace_id"], "trace");
  EXPECT_EQ(trail[3].metadata["event_id"], life[3].event_id);

  EXPECT_TRUE(this->store->trail(2, {}).items.empty());
}

TYPED_TEST(AnalyticsStoreContract, PreviousValuesComeFromTheProjectionWhenTheEventLacksThem) {
  Life life(1, kDay0);
  this->record_all({life.created(), life.routed(kDay0 + 10, "HR", 50, CategorizedBy::keywords)});
  auto reroute = life.routed(kDay0 + 20, "Finance", 100, CategorizedBy::manual);
  auto status = life.status(kDay0 + 30, Status::in_progress);
  std::get<payload::StatusUpdated>(status.payload).previous_status.reset();
  this->record_all({reroute, status});
  const auto trail = this->store->trail(1, {}).items;
  ASSERT_EQ(trail.size(), 4u);
  EXPECT_EQ(trail[2].metadata["previous_department"], "HR");
  EXPECT_EQ(trail[3].metadata["previous_status"], "pending");
}

TYPED_TEST(AnalyticsStoreContract, ProjectionConvergesWhateverTheArrivalOrder) {
  // Every permutation of one ticket's five events, each permutation on its own ticket, each
  // event delivered twice.
  std::vector<int> order{0, 1, 2, 3, 4};
  domain::TicketId id = 0;
  do {
    ++id;
    const Millis base = kDay0 + id * 10'000;
    Life life(id, base);
    const std::vector<Event> events{
        life.created(),
        life.categorized(base + 100, "HR", 40, CategorizedBy::model),  // a suggestion only
        life.routed(base + 499, "IT Support", 90, CategorizedBy::claude),
        life.status(base + 1000, Status::in_progress),
        life.status(base + 2000, Status::resolved),
    };
    for (int i : order) {
      ASSERT_TRUE(record_one(*this->store, events[static_cast<std::size_t>(i)]));
      ASSERT_FALSE(record_one(*this->store, events[static_cast<std::size_t>(i)]));
    }
  } while (std::next_permutation(order.begin(), order.end()));
  ASSERT_EQ(id, 120);

  const auto a = this->store->aggregate({});
  EXPECT_EQ(a.total, 120);
  EXPECT_EQ(counts(a.by_department), (Counts{{"IT Support", 120}}));
  EXPECT_EQ(counts(a.by_status), (Counts{{"resolved", 120}}));
  EXPECT_EQ(counts(a.by_categorizer), (Counts{{"claude", 120}}));
  EXPECT_EQ(a.resolved, 120);
  ASSERT_TRUE(a.average_confidence);
  EXPECT_DOUBLE_EQ(*a.average_confidence, 90.0);
  ASSERT_TRUE(a.median_time_to_route_ms);
  EXPECT_DOUBLE_EQ(*a.median_time_to_route_ms, 500.0);  // routed event at base + 500
}

TYPED_TEST(AnalyticsStoreContract, LateStaleEventsDoNotRollTheProjectionBack) {
  Life life(1, kDay0);
  const auto created = life.created();
  const auto routed = life.routed(kDay0 + 100, "IT Support", 80, CategorizedBy::keywords);
  const auto resolved = life.status(kDay0 + 200, Status::resolved);
  const auto reroute = life.routed(kDay0 + 300, "HR", 100, CategorizedBy::manual);
  const auto reopened = life.status(kDay0 + 400, Status::in_progress);
  this->record_all({reopened, reroute, resolved, routed, created});
  const auto a = this->store->aggregate({});
  EXPECT_EQ(counts(a.by_department), (Counts{{"HR", 1}}));
  EXPECT_EQ(counts(a.by_status), (Counts{{"in_progress", 1}}));
  EXPECT_EQ(counts(a.by_categorizer), (Counts{{"manual", 1}}));
  EXPECT_EQ(a.resolved, 0);
  EXPECT_DOUBLE_EQ(*a.median_time_to_route_ms, 101.0);  // the first routing counts
}

TYPED_TEST(AnalyticsStoreContract, RoutedBeforeCreatedStillYieldsARow) {
  Life life(1, kDay0);
  const auto created = life.created();
  const auto routed = life.routed(kDay0 + 249, "Finance", 70, CategorizedBy::model);
  ASSERT_TRUE(record_one(*this->store, routed));
  auto a = this->store->aggregate({});
  EXPECT_EQ(a.total, 1);
  EXPECT_EQ(counts(a.by_department), (Counts{{"Finance", 1}}));
  EXPECT_EQ(counts(a.by_status), (Counts{{"pending", 1}}));
  EXPECT_DOUBLE_EQ(*a.median_time_to_route_ms, 250.0);  // created_at from the snapshot
  ASSERT_TRUE(record_one(*this->store, created));
  a = this->store->aggregate({});
  EXPECT_EQ(a.total, 1);
  EXPECT_EQ(counts(a.by_department), (Counts{{"Finance", 1}}));
  EXPECT_DOUBLE_EQ(*a.median_time_to_route_ms, 250.0);
}

TYPED_TEST(AnalyticsStoreContract, AggregatesWithFilters) {
  const auto empty = this->store->aggregate({});
  EXPECT_EQ(empty.total, 0);
  EXPECT_EQ(empty.resolved, 0);
  EXPECT_FALSE(empty.average_confidence);
  EXPECT_FALSE(empty.median_time_to_route_ms);
  EXPECT_TRUE(empty.by_department.empty());

  Life t1(1, kDay0 + 10 * kHour);
  this->record_all({t1.created(),
                    t1.routed(kDay0 + 10 * kHour + 999, "IT Support", 80, CategorizedBy::claude),
                    t1.status(kDay0 + 12 * kHour, Status::resolved)});
  Life t2(2, kDay0 + 11 * kHour);
  this->record_all({t2.created(), t2.routed(kDay0 + 11 * kHour + 3999, "IT Support", 60,
                                            CategorizedBy::keywords)});
  Life t3(3, kDay0 + 2 * domain::kMillisPerDay);
  this->record_all(
      {t3.created(),
       t3.routed(kDay0 + 2 * domain::kMillisPerDay + 1999, "HR", 100, CategorizedBy::manual),
       t3.status(kDay0 + 2 * domain::kMillisPerDay + kHour, Status::in_progress)});
  Life t4(4, kDay0 + 3 * domain::kMillisPerDay);
  this->record_all({t4.created()});

  const auto all = this->store->aggregate({});
  EXPECT_EQ(all.total, 4);
  EXPECT_EQ(counts(all.by_department), (Counts{{"IT Support", 2}, {"HR", 1}}));
  EXPECT_EQ(counts(all.by_status), (Counts{{"pending", 2}, {"in_progress", 1}, {"resolved", 1}}));
  EXPECT_EQ(counts(all.by_categorizer), (Counts{{"claude", 1}, {"keywords", 1}, {"manual", 1}}));
  EXPECT_DOUBLE_EQ(*all.average_confidence, 80.0);
  EXPECT_EQ(all.resolved, 1);
  EXPECT_DOUBLE_EQ(*all.median_time_to_route_ms, 2000.0);  // of 1000, 4000, 2000

  ports::AnalyticsFilter f;
  f.created_since = kDay0 + domain::kMillisPerDay;
  const auto recent = this->store->aggregate(f);
  EXPECT_EQ(recent.total, 2);
  EXPECT_EQ(counts(recent.by_department), (Counts{{"HR", 1}}));
  EXPECT_DOUBLE_EQ(*recent.average_confidence, 100.0);
  EXPECT_DOUBLE_EQ(*recent.median_time_to_route_ms, 2000.0);

  f = {};
  f.department = "IT Support";
  const auto it = this->store->aggregate(f);
  EXPECT_EQ(it.total, 2);
  EXPECT_EQ(it.resolved, 1);
  EXPECT_EQ(counts(it.by_status), (Counts{{"pending", 1}, {"resolved", 1}}));
  EXPECT_DOUBLE_EQ(*it.average_confidence, 70.0);
  EXPECT_DOUBLE_EQ(*it.median_time_to_route_ms, 2500.0);  // mean of the middle two

  f.created_since = kDay0 + domain::kMillisPerDay;
  EXPECT_EQ(this->store->aggregate(f).total, 0);
  f = {};
  f.department = "Nowhere";
  EXPECT_EQ(this->store->aggregate(f).total, 0);
}

TYPED_TEST(AnalyticsStoreContract, CountsTicketsByTheirNewestPriority) {
  using domain::Priority;
  Life t1(1, kDay0);
  const auto raised = t1.priority(kDay0 + 50, Priority::urgent);
  const auto lowered = t1.priority(kDay0 + 90, Priority::high);
  // Out of order: the newer snapshot (high) wins over the older (urgent).
  this->record_all({t1.created(), lowered, raised});
  Life t2(2, kDay0 + 1);
  this->record_all({t2.created(), t2.priority(kDay0 + 60, Priority::high)});
  Life t3(3, kDay0 + 2);
  this->record_all({t3.created()});  // normal until set
  EXPECT_EQ(counts(this->store->aggregate({}).by_priority), (Counts{{"high", 2}, {"normal", 1}}));
  // The trail shows the change with its payload.
  const auto trail = this->store->trail(1, {});
  ASSERT_EQ(trail.items.size(), 3u);
  EXPECT_EQ(trail.items[1].event_type, EventType::priority_updated);
  EXPECT_EQ(trail.items[1].metadata["priority"], "urgent");
  EXPECT_EQ(trail.items[2].metadata["previous_priority"], "urgent");
}

TYPED_TEST(AnalyticsStoreContract, ConfidenceHistogramCountsRoutedTicketsInBandsOfTen) {
  EXPECT_EQ(this->store->aggregate({}).confidence_histogram, (std::array<std::int64_t, 10>{}));
  // Band edges: 0 and 9 share the first band, 10 opens the second, 90 and 100 share the top.
  const std::vector<std::pair<int, const char*>> scores{
      {0, "HR"},       {9, "HR"},          {10, "HR"},         {55, "Finance"},
      {89, "Finance"}, {90, "IT Support"}, {100, "IT Support"}};
  domain::TicketId id = 0;
  for (const auto& [score, department] : scores) {
    ++id;
    Life life(id, kDay0 + id * kHour);
    this->record_all({life.created(), life.routed(kDay0 + id * kHour + 5, department, score,
                                                  CategorizedBy::keywords)});
  }
  ++id;
  Life unrouted(id, kDay0 + id * kHour);
  this->record_all({unrouted.created()});

  EXPECT_EQ(this->store->aggregate({}).confidence_histogram,
            (std::array<std::int64_t, 10>{2, 1, 0, 0, 0, 1, 0, 0, 1, 2}));
  ports::AnalyticsFilter f;
  f.department = "IT Support";
  EXPECT_EQ(this->store->aggregate(f).confidence_histogram,
            (std::array<std::int64_t, 10>{0, 0, 0, 0, 0, 0, 0, 0, 0, 2}));

  // A manual reroute moves the ticket to the score it was given.
  Life first(1, kDay0 + kHour);
  first.created();
  first.routed(kDay0 + kHour + 5, "HR", 0, CategorizedBy::keywords);
  this->record_all({first.routed(kDay0 + 10 * kHour, "Finance", 100, CategorizedBy::manual)});
  EXPECT_EQ(this->store->aggregate({}).confidence_histogram,
            (std::array<std::int64_t, 10>{1, 1, 0, 0, 0, 1, 0, 0, 1, 3}));
}

TYPED_TEST(AnalyticsStoreContract, RouteTimeHistogramUsesTheFirstRouting) {
  using Bands = std::array<std::int64_t, 6>;
  EXPECT_EQ(this->store->aggregate({}).route_time_histogram, Bands{});
  // Routed after (the store's routed_at is the routed event's time, one ms after `at`):
  const std::vector<Millis> delays{0, 98, 99, 998, 9'999, 59'000, 3'599'998, 3'599'999, 86'400'000};
  domain::TicketId id = 0;
  for (const Millis delay : delays) {
    ++id;
    Life life(id, kDay0);
    this->record_all(
        {life.created(), life.routed(kDay0 + delay, "HR", 50, CategorizedBy::keywords)});
  }
  ++id;
  Life unrouted(id, kDay0);
  this->record_all({unrouted.created()});
  // ms: 1, 99 | 100, 999 | none | 10000, 59001 | 3599999 | 3600000, 86400001
  EXPECT_EQ(this->store->aggregate({}).route_time_histogram, (Bands{2, 2, 0, 2, 1, 2}));

  // A later manual reroute does not change when the ticket was first routed.
  Life again(1, kDay0);
  again.created();
  again.routed(kDay0, "HR", 50, CategorizedBy::keywords);
  this->record_all({again.routed(kDay0 + 7'200'000, "Finance", 100, CategorizedBy::manual)});
  EXPECT_EQ(this->store->aggregate({}).route_time_histogram, (Bands{2, 2, 0, 2, 1, 2}));
}

TYPED_TEST(AnalyticsStoreContract, DailyCreationFillsGapsWithZero) {
  for (const auto& [id, at] : std::vector<std::pair<int, Millis>>{
           {1, kDay0 + 1},
           {2, kDay0 + 23 * kHour},
           {3, kDay0 + 2 * domain::kMillisPerDay + 5 * kHour},
           {4, kDay0 + 5 * domain::kMillisPerDay},  // after the range
           {5, kDay0 - 1},                          // before it
       }) {
    Life life(id, at);
    ASSERT_TRUE(record_one(*this->store, life.created()));
  }
  const auto days =
      this->store->daily_creation(kDay0 + 12 * kHour, kDay0 + 3 * domain::kMillisPerDay);
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0].date, "2026-11-20");
  EXPECT_EQ(days[0].count, 2);  // whole UTC days, though `from` is noon
  EXPECT_EQ(days[1].date, "2026-11-21");
  EXPECT_EQ(days[1].count, 0);
  EXPECT_EQ(days[2].date, "2026-11-22");
  EXPECT_EQ(days[2].count, 1);
  EXPECT_EQ(days[3].date, "2026-11-23");
  EXPECT_EQ(days[3].count, 0);

  const auto one = this->store->daily_creation(kDay0 - 1, kDay0 - 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].date, "2026-11-19");
  EXPECT_EQ(one[0].count, 1);
  EXPECT_TRUE(this->store->daily_creation(kDay0 + 1, kDay0).empty());
}

TYPED_TEST(AnalyticsStoreContract, EverythingPersistsAcrossReopen) {
  Life life(1, kDay0);
  this->record_all({life.created(), life.routed(kDay0 + 10, "HR", 50, CategorizedBy::keywords)});
  this->reopen();
  EXPECT_EQ(this->store->trail(1, {}).items.size(), 2u);
  EXPECT_EQ(counts(this->store->aggregate({}).by_department), (Counts{{"HR", 1}}));
}

}  // namespace
}  // namespace st::contract

namespace st::contract {
namespace {

// Everything an answer of the analytics API is made of.
std::string describe(const ports::TicketAggregate& a) {
  json j{{"total", a.total},
         {"resolved", a.resolved},
         {"average_confidence", a.average_confidence ? json(*a.average_confidence) : json()},
         {"median", a.median_time_to_route_ms ? json(*a.median_time_to_route_ms) : json()},
         {"confidence", a.confidence_histogram},
         {"route_time", a.route_time_histogram}};
  for (const auto& [name, v] :
       {std::pair{"department", &a.by_department}, std::pair{"status", &a.by_status},
        std::pair{"categorizer", &a.by_categorizer}, std::pair{"priority", &a.by_priority}})
    for (const auto& c : *v) j[name][c.name] = c.count;
  return j.dump();
}

template <class Backend>
class AnalyticsRebuildContract : public AnalyticsStoreContract<Backend> {
 protected:
  // Tickets 1..n: created, categorized, routed; every third rerouted by hand, every second
  // resolved, every fifth raised to urgent; recorded in an order that is not occurrence order.
  std::int64_t record_workload(int n) {
    std::vector<Event> events;
    for (int i = 1; i <= n; ++i) {
      const Millis t0 = kDay0 + i * kHour;
      Life life(i, t0);
      events.push_back(life.created());
      events.push_back(life.categorized(t0 + 10, i % 2 ? "IT Support" : "Billing", 50 + i % 50,
                                        CategorizedBy::model));
      events.push_back(life.routed(t0 + 20, i % 2 ? "IT Support" : "Billing", 50 + i % 50,
                                   CategorizedBy::model));
      if (i % 3 == 0) events.push_back(life.routed(t0 + 500, "HR", 100, CategorizedBy::manual));
      if (i % 2 == 0) events.push_back(life.status(t0 + 900, Status::resolved));
      if (i % 5 == 0) events.push_back(life.priority(t0 + 950, domain::Priority::urgent));
    }
    std::reverse(events.begin() + static_cast<std::ptrdiff_t>(events.size() / 2), events.end());
    for (std::size_t at = 0; at < events.size(); at += 250) {
      const std::vector<Event> batch(
          events.begin() + static_cast<std::ptrdiff_t>(at),
          events.begin() + static_cast<std::ptrdiff_t>(std::min(events.size(), at + 250)));
      const auto recorded = this->store->record_batch(batch);
      EXPECT_EQ(std::count(recorded.begin(), recorded.end(), true),
                static_cast<std::ptrdiff_t>(batch.size()));
    }
    return static_cast<std::int64_t>(events.size());
  }
  std::string answers() {
    return describe(this->store->aggregate({})) +
           describe(this->store->aggregate(
               {.created_since = kDay0 + 5 * kHour, .department = std::string("HR")}));
  }
};

TYPED_TEST_SUITE(AnalyticsRebuildContract, Backends, BackendName);

TYPED_TEST(AnalyticsRebuildContract, ARebuildGivesTheSameAnswers) {
  const auto events = this->record_workload(40);
  const auto before = this->answers();
  const auto trail = this->store->trail(3, {}).items.size();

  const auto r = this->store->rebuild_projection();
  EXPECT_EQ(r.events, events);
  EXPECT_EQ(r.tickets, 40);
  EXPECT_EQ(r.kept, 0);
  EXPECT_EQ(this->answers(), before);
  EXPECT_EQ(this->store->trail(3, {}).items.size(), trail) << "the log is left as it was";
  EXPECT_EQ(this->store->rebuild_projection().tickets, 40) << "and can be rebuilt again";
  EXPECT_EQ(this->answers(), before);
}

TYPED_TEST(AnalyticsRebuildContract, ARebuildRepairsADamagedProjection) {
  this->record_workload(12);
  const auto before = this->answers();
  this->backend.execute(
      "UPDATE analytics_tickets SET department = 'Nowhere', status = 'open'; "
      "DELETE FROM analytics_tickets WHERE ticket_id = 7; "
      "INSERT INTO analytics_tickets (ticket_id, created_at) VALUES (999, 0)");
  ASSERT_NE(this->answers(), before);

  EXPECT_EQ(this->store->rebuild_projection().tickets, 12);
  EXPECT_EQ(this->answers(), before) << "every row from the log, the stray one gone";
}

TYPED_TEST(AnalyticsRebuildContract, TicketsWithEventsFromBeforeSnapshotsKeepTheirRows) {
  this->record_workload(6);
  // As an older version recorded them: no snapshot.
  this->backend.execute(
      "UPDATE analytics_events SET snapshot = NULL WHERE ticket_id = 2; "
      "UPDATE analytics_tickets SET department = 'Kept' WHERE ticket_id = 2");
  const auto before = this->answers();

  const auto r = this->store->rebuild_projection();
  EXPECT_EQ(r.kept, 1);
  EXPECT_EQ(r.tickets, 6);
  EXPECT_EQ(this->answers(), before) << "ticket 2's row (department Kept) stayed";
}

TYPED_TEST(AnalyticsRebuildContract, EventsRecordedDuringARebuildAreInTheResult) {
  this->record_workload(1200);  // more than one batch of tickets
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 2000; i < 2300; ++i) {
      Life life(i, kDay0 + i);
      ASSERT_TRUE(record_one(*this->store, life.created()));
      ASSERT_TRUE(record_one(*this->store,
                             life.routed(kDay0 + i + 5, "Sales", 70, CategorizedBy::keywords)));
    }
    done = true;
  });
  const auto r = this->store->rebuild_projection();
  writer.join();
  ASSERT_TRUE(done);
  EXPECT_GE(r.tickets, 1200);
  // Whatever landed during the rebuild is in the projection too.
  EXPECT_EQ(this->store->aggregate({}).total, 1500);
  const auto now = this->answers();
  this->store->rebuild_projection();
  EXPECT_EQ(this->answers(), now);
}

}  // namespace
}  // namespace st::contract

namespace st::contract {
namespace {

using PgRebuild = AnalyticsRebuildContract<PostgresBackend>;

TEST_F(PgRebuild, AnotherInstancesLeaseRefusesASecondRebuild) {
  this->record_workload(3);
  this->backend.execute(
      "UPDATE analytics_rebuild_lease SET holder = 'another instance', "
      "expires_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 60000");
  EXPECT_THROW(this->store->rebuild_projection(), ports::RebuildRunning);
  this->backend.execute("UPDATE analytics_rebuild_lease SET expires_at = 0");  // it died
  EXPECT_EQ(this->store->rebuild_projection().tickets, 3);
}

}  // namespace
}  // namespace st::contract
