// The PostgreSQL adapter's own guarantees, beyond the store contract: migrations that
// concurrent starts apply once, a pool that fails fast and heals, an outbox several
// instances relay at once, and hostile input that stays data.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "adapters/postgres/analytics_store.hpp"
#include "adapters/postgres/database.hpp"
#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/routing_store.hpp"
#include "adapters/postgres/ticket_store.hpp"
#include "domain/codec.hpp"
#include "ports/unavailable.hpp"
#include "unit/adapters/postgres/pg_test_server.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;
using st::test_support::update_one;

namespace st::adapters::postgres {
namespace {

using domain::Event;
using domain::EventType;
using domain::Ticket;
using testing_support::PgTestSchema;

std::vector<std::string> tables_of(const PgTestSchema& schema) {
  pqxx::connection c(schema.conninfo());
  pqxx::nontransaction tx(c);
  std::vector<std::string> out;
  for (const auto& row :
       tx.exec_params("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 "
                      "ORDER BY table_name",
                      schema.name()))
    out.push_back(row[0].as<std::string>());
  return out;
}

std::int64_t count_rows(const PgTestSchema& schema, const std::string& table) {
  pqxx::connection c(schema.conninfo());
  pqxx::nontransaction tx(c);
  return tx.exec("SELECT count(*) FROM " + table)[0][0].as<std::int64_t>();
}

// Terminates every server connection of the schema's pools (they carry its name as
// application_name), as a crash of the server process serving them would.
int terminate_connections(const PgTestSchema& schema) {
  pqxx::connection c(testing_support::shared_pg_conninfo());
  pqxx::nontransaction tx(c);
  return tx
      .exec_params(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          "WHERE application_name = $1",
          schema.name())[0][0]
      .as<int>();
}

Ticket create(PgTicketStore& store, const std::string& title) {
  return create_one(store,
                    {title, "Something is broken, please help", "Ann Lee", "ann@example.com"},
                    1'700'000'000'000, [](const Ticket& t) {
                      return std::vector<Event>{
                          domain::make_event(domain::payload::Created{}, t, t.created_at, "trace")};
                    });
}

// ---- Migrations ------------------------------------------------------------------------------

TEST(PgMigrations, EachServiceCreatesOnlyItsOwnTables) {
  PgTestSchema schema;
  auto db = schema.open();
  migrate_tickets(*db);
  EXPECT_EQ(tables_of(schema), (std::vector<std::string>{
                                   "department_assignment", "schema_migrations", "sla_policies",
                                   "ticket_agent_departments", "ticket_agents", "ticket_comments",
                                   "ticket_create_keys", "tickets", "tickets_outbox"}));
  migrate_routing(*db);
  migrate_analytics(*db);
  EXPECT_EQ(tables_of(schema), (std::vector<std::string>{
                                   "analytics_decisions",
                                   "analytics_decisions_next",
                                   "analytics_events",
                                   "analytics_rebuild_lease",
                                   "analytics_sla",
                                   "analytics_tickets",
                                   "analytics_tickets_next",
                                   "department_assignment",
                                   "departments",
                                   "routing_outbox",
                                   "schema_migrations",
                                   "sla_policies",
                                   "ticket_agent_departments",
                                   "ticket_agents",
                                   "ticket_comments",
                                   "ticket_create_keys",
                                   "ticket_routing",
                                   "tickets",
                                   "tickets_outbox",
                               }));
  // 2: requester index, 3: create keys, 4: language, 5: priority, 6: explanation, 7: agents,
  // 8: comments, 9: needs_review, 11: SLA clocks (10 is SQLite's id floor)
  EXPECT_EQ(schema_version(*db, "tickets"), 11);
  // 2: ticket_routing.model_version, 3: departments.review_below_confidence
  EXPECT_EQ(schema_version(*db, "routing"), 3);
  // 2: analytics_events.actor, 3: priority, 4: snapshots for rebuilds, 5: decisions, 6: SLA
  EXPECT_EQ(schema_version(*db, "analytics"), 6);
  EXPECT_EQ(schema_version(*db, "categorizer"), 0);
  migrate_categorizer(*db);
  EXPECT_EQ(tables_of(schema), (std::vector<std::string>{"analytics_decisions",
                                                         "analytics_decisions_next",
                                                         "analytics_events",
                                                         "analytics_rebuild_lease",
                                                         "analytics_sla",
                                                         "analytics_tickets",
                                                         "analytics_tickets_next",
                                                         "categorizer_examples",
                                                         "categorizer_label_watermark",
                                                         "department_assignment",
                                                         "departments",
                                                         "routing_outbox",
                                                         "schema_migrations",
                                                         "sla_policies",
                                                         "ticket_agent_departments",
                                                         "ticket_agents",
                                                         "ticket_comments",
                                                         "ticket_create_keys",
                                                         "ticket_routing",
                                                         "tickets",
                                                         "tickets_outbox"}));
  EXPECT_EQ(schema_version(*db, "categorizer"), 1);
}

TEST(PgMigrations, RunningThemAgainIsANoOpAndKeepsTheData) {
  PgTestSchema schema;
  auto db = schema.open();
  PgTicketStore first(*db);
  const auto t = create(first, "Laptop will not boot");
  PgTicketStore second(*db);  // a restart: migrates again
  EXPECT_EQ(second.get(t.id), t);
  EXPECT_EQ(migrate(*db, "tickets", {}), 0);
  EXPECT_EQ(count_rows(schema, "schema_migrations"), 10);  // tickets 1 to 9 and 11
}

TEST(PgMigrations, NewerStepsRunInOrderAndAFailedStepLeavesNothing) {
  PgTestSchema schema;
  auto db = schema.open();
  const Migration v1[] = {{1, "CREATE TABLE notes (id bigint PRIMARY KEY)"}};
  EXPECT_EQ(migrate(*db, "notes", v1), 1);
  const Migration v3[] = {{1, "CREATE TABLE notes (id bigint PRIMARY KEY)"},
                          {2, "ALTER TABLE notes ADD COLUMN body text"},
                          {3, "CREATE TABLE half_done (x int); CREATE TABLE broken ("}};
  EXPECT_ANY_THROW(migrate(*db, "notes", v3));
  EXPECT_EQ(schema_version(*db, "notes"), 1) << "steps 2 and 3 rolled back together";
  EXPECT_EQ(tables_of(schema), (std::vector<std::string>{"notes", "schema_migrations"}));
  const Migration v3_fixed[] = {{1, "CREATE TABLE notes (id bigint PRIMARY KEY)"},
                                {2, "ALTER TABLE notes ADD COLUMN body text"},
                                {3, "CREATE TABLE half_done (x int)"}};
  EXPECT_EQ(migrate(*db, "notes", v3_fixed), 2);
  EXPECT_EQ(schema_version(*db, "notes"), 3);
}

TEST(PgMigrations, ConcurrentStartsOfEveryServiceApplyEachStepOnce) {
  PgTestSchema schema;
  constexpr int kInstances = 6;  // two of each service, each with a pool of its own
  std::atomic<int> ready{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      try {
        auto db = schema.open();
        ++ready;
        // Start together (bounded wait), as processes launched at once would.
        for (int spin = 0; spin < 5000 && ready < kInstances; ++spin)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (i % 3 == 0) {
          PgTicketStore tickets(*db);
        } else if (i % 3 == 1) {
          PgRoutingStore routing(*db);
          routing.ensure_default_departments(1000);
        } else {
          PgAnalyticsStore analytics(*db);
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : instances) t.join();
  EXPECT_EQ(failures, 0);
  // tickets 10 (1-9, 11), routing 3, analytics 6
  EXPECT_EQ(count_rows(schema, "schema_migrations"), 19);
  EXPECT_EQ(count_rows(schema, "departments"),
            static_cast<std::int64_t>(domain::default_departments().size()))
      << "the defaults are inserted once";
}

TEST(PgMigrations, ListAndFilterQueriesHaveAnIndex) {
  PgTestSchema schema;
  auto db = schema.open();
  PgTicketStore tickets(*db);
  PgRoutingStore routing(*db);
  PgAnalyticsStore analytics(*db);
  pqxx::connection c(schema.conninfo());
  pqxx::nontransaction tx(c);
  // With sequential scans priced out, a plan still holding one has no index to use.
  tx.exec("SET enable_seqscan = off");
  const char* queries[] = {
      "SELECT * FROM tickets WHERE id < 100 ORDER BY id DESC LIMIT 50",
      "SELECT * FROM tickets WHERE status = 'pending' ORDER BY id DESC LIMIT 50",
      "SELECT * FROM tickets WHERE department = 'HR' ORDER BY id DESC LIMIT 50",
      "SELECT * FROM tickets WHERE department = 'HR' AND status = 'pending' AND id < 9 "
      "ORDER BY id DESC LIMIT 50",
      "SELECT * FROM tickets WHERE title ILIKE '%vpn%' OR description ILIKE '%vpn%'",
      "SELECT * FROM tickets WHERE lower(user_email) = lower('a@b.c') ORDER BY id DESC LIMIT 50",
      "SELECT * FROM tickets_outbox ORDER BY seq LIMIT 64 FOR UPDATE SKIP LOCKED",
      "SELECT * FROM departments WHERE lower(name) = lower('hr')",
      "SELECT * FROM ticket_routing WHERE ticket_id = 7 ORDER BY id",
      "SELECT * FROM ticket_routing WHERE cause_event_id = 'e-1'",
      "SELECT * FROM routing_outbox ORDER BY seq LIMIT 64 FOR UPDATE SKIP LOCKED",
      "SELECT * FROM analytics_events WHERE ticket_id = 7 ORDER BY created_at, id",
      "SELECT * FROM analytics_events WHERE event_id = 'e-1'",
      "SELECT * FROM analytics_tickets WHERE ticket_id = 7",
      "SELECT count(*) FROM analytics_tickets WHERE created_at >= 1000",
      "SELECT count(*) FROM analytics_tickets WHERE department = 'HR' AND created_at >= 1000",
  };
  for (const char* q : queries) {
    std::string plan;
    for (const auto& row : tx.exec(std::string("EXPLAIN ") + q)) {
      plan += row[0].c_str();
      plan += '\n';
    }
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << q << "\n" << plan;
  }
}

// ---- The pool ----------------------------------------------------------------------------------

TEST(PgPool, AnUnreachableServerFailsFastWithUnavailableAndNoPassword) {
  // Nothing listens on port 1 of loopback: the connection is refused at once.
  Database db("host=127.0.0.1 port=1 user=app dbname=x password=do-not-leak connect_timeout=2");
  for (int i = 0; i < 3; ++i) {
    try {
      PgTicketStore store(db);
      FAIL() << "the store cannot migrate without a server";
    } catch (const ports::Unavailable& e) {
      EXPECT_EQ(std::string(e.what()).find("do-not-leak"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(db.open_connections(), 0u);
}

// A pool of one connection that gives up waiting for it after 50 ms.
std::unique_ptr<Database> one_connection_pool(const PgTestSchema& schema) {
  PoolOptions options;
  options.max_connections = 1;
  options.acquire_timeout = std::chrono::milliseconds(50);
  return schema.open(options);
}

TEST(PgPool, AcquireGivesUpWithUnavailableWhenEveryConnectionIsBusy) {
  PgTestSchema schema;
  auto db = one_connection_pool(schema);
  PgTicketStore store(*db);
  const auto t = create(store, "Laptop will not boot");
  // The change runs while the update holds the only connection; a read inside it needs a
  // second one and must not wait forever.
  EXPECT_THROW(update_one(store, t.id,
                          [&](Ticket& x) {
                            store.get(x.id);
                            return std::vector<Event>{};
                          }),
               ports::Unavailable);
  EXPECT_EQ(store.get(t.id), t) << "the pool is usable again";
  EXPECT_EQ(db->open_connections(), 1u);
}

TEST(PgPool, StatsCountWaitsForABusyPoolAndItsFailures) {
  PgTestSchema schema;
  PoolOptions patient;
  patient.max_connections = 1;
  patient.acquire_timeout = std::chrono::seconds(20);
  auto db = schema.open(patient);
  PgTicketStore store(*db);
  const auto t = create(store, "Laptop will not boot");
  EXPECT_EQ(db->pool_stats().waits, 0u);
  EXPECT_EQ(db->pool_stats().in_use, 0u);
  // Holds the only connection until another thread waits for it (bounded), then frees it.
  std::thread waiter;
  update_one(store, t.id, [&](Ticket&) {
    EXPECT_EQ(db->pool_stats().in_use, 1u);
    waiter = std::thread([&] { EXPECT_TRUE(store.get(t.id).has_value()); });
    for (int i = 0; i < 2000 && db->pool_stats().waiting == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(db->pool_stats().waiting, 1u);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return std::vector<Event>{};
  });
  waiter.join();
  const auto s = db->pool_stats();
  EXPECT_EQ(s.waits, 1u);
  EXPECT_GE(s.wait_seconds, 0.015);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(s.max, 1u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.in_use, 0u);

  // An acquisition that gives up is a wait and a failure.
  auto hasty = one_connection_pool(schema);
  PgTicketStore hasty_store(*hasty);
  EXPECT_THROW(update_one(hasty_store, t.id,
                          [&](Ticket& x) {
                            hasty_store.get(x.id);
                            return std::vector<Event>{};
                          }),
               ports::Unavailable);
  EXPECT_EQ(hasty->pool_stats().waits, 1u);
  EXPECT_EQ(hasty->pool_stats().errors, 1u);
}

TEST(PgPool, ConnectionsKilledUnderneathAreReplaced) {
  PgTestSchema schema;
  PoolOptions options;
  options.reconnect_backoff = std::chrono::milliseconds(0);
  auto db = schema.open(options);
  PgTicketStore store(*db);
  const auto t = create(store, "Laptop will not boot");
  ASSERT_GT(terminate_connections(schema), 0);
  int unavailable = 0;
  std::optional<Ticket> got;
  for (int attempt = 0; attempt < 5 && !got; ++attempt) {
    try {
      got = store.get(t.id);
    } catch (const ports::Unavailable&) {
      ++unavailable;  // the broken connection is noticed on use, reported, and discarded
    }
  }
  EXPECT_EQ(got, t);
  EXPECT_LE(unavailable, 1);
  EXPECT_EQ(create(store, "After the crash").id, t.id + 1);
}

TEST(PgPool, TheHealthProbeFailsWithoutAServerAndNamesNoPassword) {
  Database db("host=127.0.0.1 port=1 user=app dbname=x password=do-not-leak connect_timeout=2");
  const auto p = db.probe();
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.detail.rfind("postgres: ", 0), 0u) << p.detail;
  EXPECT_EQ(p.detail.find("do-not-leak"), std::string::npos) << p.detail;
}

TEST(PgPool, TheHealthProbeAnswersWhileEveryPooledConnectionIsBusy) {
  PgTestSchema schema;
  auto db = one_connection_pool(schema);
  EXPECT_TRUE(db->probe().ok);
  // The probe runs while a read holds the pool's only connection: a busy pool is not a
  // database that is down.
  ports::Probe during;
  db->read([&](Tx& tx) {
    during = db->probe();
    return tx.exec("SELECT 1");
  });
  EXPECT_TRUE(during.ok) << during.detail;
  EXPECT_EQ(db->open_connections(), 1u) << "the probe's connection is not the pool's";
}

TEST(PgPool, TheHealthProbeReconnectsAfterItsConnectionWasKilled) {
  PgTestSchema schema;
  auto db = schema.open({});
  ASSERT_TRUE(db->probe().ok);
  ASSERT_GT(terminate_connections(schema), 0);
  EXPECT_FALSE(db->probe().ok) << "the killed connection is noticed";
  EXPECT_TRUE(db->probe().ok) << "and the next probe connects afresh";
}

// ---- The outbox across instances -----------------------------------------------------------

TEST(PgOutbox, AnotherInstanceRelaysPastTheRowsOneHoldsInsteadOfWaiting) {
  PgTestSchema schema;
  auto db_a = schema.open();
  auto db_b = schema.open();  // a second process
  PgTicketStore a(*db_a);
  PgTicketStore b(*db_b);
  for (int i = 0; i < 10; ++i) create(a, "Ticket " + std::to_string(i));

  std::promise<void> a_claimed;
  std::vector<std::int64_t> seen_a, seen_b;
  std::atomic<bool> b_finished{false};
  std::thread relay_b([&] {
    a_claimed.get_future().wait();
    b.relay(100, [&](const std::vector<ports::OutboxMessage>& batch) {
      for (const auto& m : batch) seen_b.push_back(m.seq);
    });
    b_finished = true;
  });
  bool b_finished_while_a_held_its_rows = false;
  a.relay(4, [&](const std::vector<ports::OutboxMessage>& batch) {
    for (const auto& m : batch) seen_a.push_back(m.seq);
    a_claimed.set_value();
    // Plain FOR UPDATE would make B wait for this transaction: bounded wait, then on.
    for (int i = 0; i < 5000 && !b_finished; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    b_finished_while_a_held_its_rows = b_finished;
  });
  relay_b.join();
  EXPECT_TRUE(b_finished_while_a_held_its_rows);
  EXPECT_EQ(seen_a, (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(seen_b, (std::vector<std::int64_t>{5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(count_rows(schema, "tickets_outbox"), 0);
}

TEST(PgOutbox, ConcurrentRelaysOfTwoInstancesPublishEveryMessageExactlyOnce) {
  PgTestSchema schema;
  auto db_a = schema.open();
  auto db_b = schema.open();
  PgTicketStore a(*db_a);
  PgTicketStore b(*db_b);
  constexpr int kTickets = 300;
  std::mutex mu;
  std::vector<std::string> published;
  std::atomic<bool> done_creating{false};
  std::thread writer([&] {
    for (int i = 0; i < kTickets; ++i) create(i % 2 ? a : b, "Ticket " + std::to_string(i));
    done_creating = true;
  });
  std::vector<std::thread> relays;
  for (int r = 0; r < 4; ++r) {
    relays.emplace_back([&, r] {
      PgTicketStore& store = r % 2 ? a : b;
      for (int i = 0; i < 20000; ++i) {
        const bool finished = done_creating;
        const auto n = store.relay(7, [&](const std::vector<ports::OutboxMessage>& batch) {
          std::lock_guard lock(mu);
          for (const auto& m : batch) published.push_back(m.event_id);
        });
        if (finished && n == 0) break;
      }
    });
  }
  writer.join();
  for (auto& t : relays) t.join();
  EXPECT_EQ(published.size(), static_cast<std::size_t>(kTickets));
  EXPECT_EQ(std::set<std::string>(published.begin(), published.end()).size(),
            static_cast<std::size_t>(kTickets));
}

TEST(PgOutbox, RowsOfARelayWhoseConnectionDiesArePublishedByAnother) {
  PgTestSchema schema;
  auto db_a = schema.open();
  auto db_b = schema.open();
  PgTicketStore a(*db_a);
  PgTicketStore b(*db_b);
  for (int i = 0; i < 3; ++i) create(a, "Ticket " + std::to_string(i));
  // A's connection dies while it publishes (its process crashed, or the network went):
  // the server rolls its transaction back and the rows are free again.
  EXPECT_THROW(
      a.relay(10, [&](const std::vector<ports::OutboxMessage>&) { terminate_connections(schema); }),
      ports::Unavailable);
  // (B's idle connections shared the application name and were killed too: its first try
  // may report that.)
  std::vector<std::string> again;
  for (int attempt = 0; attempt < 3 && again.empty(); ++attempt) {
    try {
      b.relay(10, [&](const std::vector<ports::OutboxMessage>& batch) {
        for (const auto& m : batch) again.push_back(m.event_id);
      });
    } catch (const ports::Unavailable&) {
    }
  }
  EXPECT_EQ(again.size(), 3u);
}

// ---- Hostile input -----------------------------------------------------------------------------

// Text that array literals, LIKE patterns, JSON and SQL all treat specially.
const std::vector<std::string> kHostile = {
    "'; DROP TABLE tickets; --",
    "Robert\"); DROP TABLE departments;--",
    "{\"a\",\"b\"}",
    "NULL",
    "back\\slash \\\" quote",
    "100% _wild_ [x]",
    "comma, separated, {braces}",
    "$1 $2 ::text",
    "emoji 🎫 and ünïcödé",
    "  leading and trailing  ",
};

TEST(PgHostileInput, ValuesRoundTripVerbatimThroughBatchStatements) {
  PgTestSchema schema;
  auto db = schema.open();
  PgTicketStore tickets(*db);
  std::vector<ports::TicketCreate> batch;
  for (const auto& s : kHostile)
    batch.push_back({{s, s + " description", s, s}, [](const Ticket& t) {
                       auto e = domain::make_event(domain::payload::Created{}, t, 1, t.title);
                       e.event_id = t.title;  // odd event ids travel through arrays too
                       return std::vector<Event>{e};
                     }});
  const auto created = tickets.create_batch(batch, 1'700'000'000'000);
  for (std::size_t i = 0; i < kHostile.size(); ++i) {
    const auto stored = tickets.get(created[i].id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->title, kHostile[i]);
    EXPECT_EQ(stored->user_email, kHostile[i]);
    ports::TicketQuery q;
    q.text = kHostile[i];
    const auto found = tickets.list(q);
    EXPECT_TRUE(std::any_of(found.begin(), found.end(),
                            [&](const Ticket& t) { return t.id == created[i].id; }))
        << "found by its own text, literally: " << kHostile[i];
  }
  std::vector<std::string> ids;
  tickets.relay(100, [&](const std::vector<ports::OutboxMessage>& rows) {
    for (const auto& m : rows) ids.push_back(m.event_id);
  });
  EXPECT_EQ(ids, kHostile);
  EXPECT_EQ(count_rows(schema, "tickets"), static_cast<std::int64_t>(kHostile.size()));
}

TEST(PgHostileInput, LookupsWithHostileOrUnstorableTextFindNothingAndChangeNothing) {
  PgTestSchema schema;
  auto db = schema.open();
  PgTicketStore tickets(*db);
  PgRoutingStore routing(*db);
  PgAnalyticsStore analytics(*db);
  routing.ensure_default_departments(1);
  create(tickets, "An ordinary ticket");
  const std::vector<std::string> lookups = {
      "' OR '1'='1", "HR' --", std::string("nul\0byte", 8), "\xff\xfe invalid utf-8", "%", "_"};
  for (const auto& s : lookups) {
    EXPECT_EQ(routing.find_department(s), std::nullopt) << s;
    EXPECT_EQ(routing.update_department(s, std::string("x"), false), std::nullopt) << s;
    ports::TicketQuery q;
    q.department = s;
    EXPECT_TRUE(tickets.list(q).empty()) << s;
    ports::AnalyticsFilter f;
    f.department = s;
    EXPECT_EQ(analytics.aggregate(f).total, 0) << s;
  }
  ports::TicketQuery q;
  q.text = std::string("a\0b", 3);
  EXPECT_TRUE(tickets.list(q).empty());
  EXPECT_EQ(routing.list_departments(false).size(), domain::default_departments().size());
  EXPECT_EQ(count_rows(schema, "tickets"), 1);

  for (const auto& name : kHostile) {
    const auto d = routing.add_department(name, name, 2);
    ASSERT_TRUE(d) << name;
    EXPECT_EQ(routing.find_department(name), d);
  }
}

}  // namespace
}  // namespace st::adapters::postgres
