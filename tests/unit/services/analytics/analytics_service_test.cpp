#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "adapters/sqlite/analytics_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "domain/codec.hpp"
#include "services/analytics/analytics_service.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::analytics {
namespace {

using namespace std::chrono_literals;

class FixedClock final : public ports::Clock {
 public:
  domain::Millis now() const override { return 1'800'000'000'000; }
};

struct Fixture {
  // Records ticket.created for ticket `id` through the service's consumer.
  void create(AnalyticsService& service, domain::TicketId id) {
    domain::Ticket t;
    t.id = id;
    t.title = "Printer jam";
    t.description = "The printer keeps jamming";
    t.user_name = "Ann";
    t.user_email = "ann@example.com";
    t.created_at = t.updated_at = clock.now();
    const auto e = domain::make_event(domain::payload::Created{}, t, clock.now(), "");
    auto out = service.on_events(
        {{"analytics", "ticket.created", e.event_id, domain::serialize(e), "", 1}});
    ASSERT_EQ(out.at(0), ports::Disposition::ack);
  }

  testing_support::TempDir tmp{"st-analytics-"};
  const std::filesystem::path& dir = tmp.path();
  FixedClock clock;
};

TEST(AnalyticsService, WithoutACacheEveryAnswerIsCurrent) {
  Fixture f;
  adapters::sqlite::Database db((f.dir / "a.db").string());
  adapters::sqlite::SqliteAnalyticsStore store(db);
  AnalyticsService service(store, f.clock, 0ms);
  f.create(service, 1);
  EXPECT_EQ(service.aggregate(Period::all, std::nullopt).total, 1);
  f.create(service, 2);
  EXPECT_EQ(service.aggregate(Period::all, std::nullopt).total, 2);
}

TEST(AnalyticsService, CachedAnswersAreReusedUntilTheyExpire) {
  Fixture f;
  adapters::sqlite::Database db((f.dir / "a.db").string());
  adapters::sqlite::SqliteAnalyticsStore store(db);
  AnalyticsService service(store, f.clock, 150ms);
  f.create(service, 1);
  EXPECT_EQ(service.aggregate(Period::all, std::nullopt).total, 1);
  f.create(service, 2);
  // Within the TTL the cached answer stands (that is what makes dashboards cheap)...
  EXPECT_EQ(service.aggregate(Period::all, std::nullopt).total, 1);
  // ...and each (period, department) has its own entry.
  EXPECT_EQ(service.aggregate(Period::day, std::nullopt).total, 2);
  std::this_thread::sleep_for(200ms);
  // After expiry the first request recomputes.
  EXPECT_EQ(service.aggregate(Period::all, std::nullopt).total, 2);
}

}  // namespace
}  // namespace st::services::analytics

namespace st::services::analytics {
namespace {

// A full disk is an outage: the consumer must let it reach the bus's patience (which waits
// and redelivers) rather than answer "retry", which spends the delivery budget and ends in
// the dead-letter queue (the chaos run's lost dashboard count).
TEST(AnalyticsService, AFullDatabaseIsAnOutageNotARetry) {
  Fixture f;
  adapters::sqlite::Database db((f.dir / "a.db").string());
  adapters::sqlite::SqliteAnalyticsStore store(db);
  AnalyticsService service(store, f.clock, 0ms);
  f.create(service, 1);
  // The file may not grow past the pages it has: the next ones fail with SQLITE_FULL.
  db.write([](adapters::sqlite::Connection& c) {
    auto q = c.query("PRAGMA page_count");
    q.step();
    c.exec(("PRAGMA max_page_count = " + std::to_string(q.int64(0))).c_str());
  });
  bool outage = false;
  for (domain::TicketId id = 2; id < 2000 && !outage; ++id) {  // bounded: pages fill long before
    domain::Ticket t;
    t.id = id;
    t.title = std::string(200, 't');
    t.description = std::string(2000, 'd');
    t.user_name = "Ann";
    t.user_email = "ann@example.com";
    t.created_at = t.updated_at = f.clock.now();
    const auto e = domain::make_event(domain::payload::Created{}, t, f.clock.now(), "");
    try {
      const auto out = service.on_events(
          {{"analytics", "ticket.created", e.event_id, domain::serialize(e), "", 1}});
      ASSERT_EQ(out.at(0), ports::Disposition::ack) << "a failure must not become a retry";
    } catch (const ports::Unavailable&) {
      outage = true;
    }
  }
  EXPECT_TRUE(outage);
}

}  // namespace
}  // namespace st::services::analytics
