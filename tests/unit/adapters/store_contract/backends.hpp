// The store contract tests run the same behavioural tests on every storage adapter, so the
// embedded (SQLite) and distributed (PostgreSQL) deployments are proven to behave alike.
// A backend gives a fresh, empty database per test and can close and reopen it (a restart).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/postgres/analytics_store.hpp"
#include "adapters/postgres/database.hpp"
#include "adapters/postgres/routing_store.hpp"
#include "adapters/postgres/ticket_store.hpp"
#include "adapters/postgres/training_example_store.hpp"
#include "adapters/sqlite/analytics_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "adapters/sqlite/training_example_store.hpp"
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

  // Stores built on the database must be destroyed before reopen() or the backend.
  template <class Store>
  std::unique_ptr<Store> make() {
    return std::make_unique<Store>(*db_);
  }
  void reopen() {
    db_.reset();
    db_ = std::make_unique<adapters::sqlite::Database>(dir_.file("store.db"));
  }

 private:
  testing_support::TempDir dir_;
  std::unique_ptr<adapters::sqlite::Database> db_ =
      std::make_unique<adapters::sqlite::Database>(dir_.file("store.db"));
};

class PostgresBackend {
 public:
  static constexpr const char* kName = "Postgres";
  using TicketStore = adapters::postgres::PgTicketStore;
  using RoutingStore = adapters::postgres::PgRoutingStore;
  using AnalyticsStore = adapters::postgres::PgAnalyticsStore;
  using TrainingExampleStore = adapters::postgres::PgTrainingExampleStore;

  template <class Store>
  std::unique_ptr<Store> make() {
    return std::make_unique<Store>(*db_);
  }
  void reopen() {
    db_.reset();
    db_ = schema_.open();
  }

 private:
  testing_support::PgTestSchema schema_;
  std::unique_ptr<adapters::postgres::Database> db_ = schema_.open();
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

}  // namespace st::contract
