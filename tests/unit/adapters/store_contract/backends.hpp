// The store contract tests run the same behavioural tests on every storage adapter, so the
// embedded (SQLite) and distributed (PostgreSQL) deployments are proven to behave alike.
// A backend gives a fresh, empty database per test and can close and reopen it (a restart),
// and opens further handles on the same data, as other processes would have.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <exception>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/postgres/analytics_store.hpp"
#include "adapters/postgres/database.hpp"
#include "adapters/postgres/idempotency_store.hpp"
#include "adapters/postgres/key_store.hpp"
#include "adapters/postgres/routing_store.hpp"
#include "adapters/postgres/ticket_store.hpp"
#include "adapters/postgres/training_example_store.hpp"
#include "adapters/postgres/webhook_store.hpp"
#include "adapters/sqlite/analytics_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/idempotency_store.hpp"
#include "adapters/sqlite/key_store.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "adapters/sqlite/webhook_store.hpp"
#include "ports/outbox.hpp"
#include "unit/adapters/postgres/pg_test_server.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::contract {

class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";
  using TicketStore = adapters::sqlite::SqliteTicketStore;
  using RoutingStore = adapters::sqlite::SqliteRoutingStore;
  using AnalyticsStore = adapters::sqlite::SqliteAnalyticsStore;
  using TrainingExampleStore = adapters::sqlite::SqliteTrainingExampleStore;
  using KeyStore = adapters::sqlite::SqliteKeyStore;
  using IdempotencyStore = adapters::sqlite::SqliteIdempotencyStore;
  using WebhookStore = adapters::sqlite::SqliteWebhookStore;
  using Database = adapters::sqlite::Database;

  // Stores built on the database must be destroyed before reopen() or the backend.
  template <class Store>
  std::unique_ptr<Store> make() {
    return std::make_unique<Store>(*db_);
  }
  void reopen() {
    db_.reset();
    db_ = std::make_unique<Database>(dir_.file("store.db"));
  }
  // Another Database on the same file, as a second process sharing the data file has: its
  // writes contend on SQLite's file lock, not on this process's writer mutex. Destroy it
  // (and its stores) before the backend.
  std::unique_ptr<Database> open_another() {
    return std::make_unique<Database>(dir_.file("store.db"));
  }
  // Runs SQL behind the stores' backs: for tests that damage or age what a store wrote.
  void execute(const std::string& sql) {
    db_->write([&](adapters::sqlite::Connection& c) { c.exec(sql.c_str()); });
  }

 private:
  testing_support::TempDir dir_;
  std::unique_ptr<Database> db_ = std::make_unique<Database>(dir_.file("store.db"));
};

class PostgresBackend {
 public:
  static constexpr const char* kName = "Postgres";
  using TicketStore = adapters::postgres::PgTicketStore;
  using RoutingStore = adapters::postgres::PgRoutingStore;
  using AnalyticsStore = adapters::postgres::PgAnalyticsStore;
  using TrainingExampleStore = adapters::postgres::PgTrainingExampleStore;
  using KeyStore = adapters::postgres::PgKeyStore;
  using IdempotencyStore = adapters::postgres::PgIdempotencyStore;
  using WebhookStore = adapters::postgres::PgWebhookStore;
  using Database = adapters::postgres::Database;

  template <class Store>
  std::unique_ptr<Store> make() {
    return std::make_unique<Store>(*db_);
  }
  void reopen() {
    db_.reset();
    db_ = schema_.open();
  }
  // Another pool on the same schema, as a second service instance has.
  std::unique_ptr<Database> open_another() { return schema_.open(); }
  void execute(const std::string& sql) {
    db_->write([&](adapters::postgres::Tx& tx) { tx.exec_script(sql); });
  }

 private:
  testing_support::PgTestSchema schema_;
  std::unique_ptr<Database> db_ = schema_.open();
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;

// Test names read TicketStoreContract/Sqlite.X and TicketStoreContract/Postgres.X.
struct BackendName {
  template <class B>
  static std::string GetName(int) {
    return B::kName;
  }
};

// Relays everything in `outbox` (batches of up to 1000) and returns the rows, in order.
inline std::vector<ports::OutboxMessage> drain(ports::Outbox& outbox) {
  std::vector<ports::OutboxMessage> all;
  outbox.relay(1000, [&](const std::vector<ports::OutboxMessage>& batch) {
    all.insert(all.end(), batch.begin(), batch.end());
  });
  return all;
}

// Runs f(0) .. f(n - 1) on n threads released together, so their calls overlap as much as
// threads can; what any of them throws fails the test instead of ending the program.
inline void race(std::size_t n, const std::function<void(std::size_t)>& f) {
  std::latch start(static_cast<std::ptrdiff_t>(n));
  std::mutex mutex;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        f(i);
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        errors.push_back(e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) ADD_FAILURE() << "thread failed: " << e;
}

}  // namespace st::contract
