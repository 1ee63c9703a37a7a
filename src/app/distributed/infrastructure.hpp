#pragma once
// The distributed adapters, built from the configuration: the one place that names the
// PostgreSQL and RabbitMQ adapter classes and the HTTP client settings.
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "adapters/postgres/database.hpp"
#include "app/config.hpp"
#include "http/client.hpp"
#include "ports/dead_letter_admin.hpp"
#include "ports/event_bus.hpp"
#include "ports/unavailable.hpp"

namespace st::app::distributed {

// The RabbitMQ bus for `service` (its queues are named after it).
std::unique_ptr<ports::EventBus> make_event_bus(const Config& config, const std::string& service);

// The dead-letter admin of the broker's `<queue>.dlq` queues (the gateway's admin routes).
std::unique_ptr<ports::DeadLetterAdmin> make_dead_letter_admin(const Config& config);

// The libpq connection string of DATABASE_URL or DB_*. Holds the password: never log it.
std::string database_conninfo(const Config& config);

// The PostgreSQL pool of this process (database_conninfo; db_pool_size connections).
std::unique_ptr<adapters::postgres::Database> make_database(const Config& config);

// Builds a store (whose constructor migrates its service's tables), retrying while the
// database cannot be reached yet — services may start before PostgreSQL answers (Compose,
// Kubernetes) — for up to `patience`, then gives up with the last error.
template <class Store>
std::unique_ptr<Store> open_store(adapters::postgres::Database& db,
                                  std::chrono::seconds patience = std::chrono::seconds(60));

// A pooled client to another service, e.g. make_client(config, "tickets", config.tickets_url).
std::unique_ptr<http::HttpClient> make_client(const Config& config, const std::string& name,
                                              const std::string& url);

void wait_before_retry(const std::string& what, const std::exception& error,
                       std::chrono::steady_clock::time_point deadline);

// A store of this process's service and the PostgreSQL pool it runs on (make_database,
// open_store), for a target to derive from: its `db` and `store` are the target's. The pool
// is declared first: it outlives the store.
template <class Store>
struct PostgresStore {
  explicit PostgresStore(const Config& config)
      : db(make_database(config)), store(open_store<Store>(*db)) {}

  std::unique_ptr<adapters::postgres::Database> db;
  std::unique_ptr<Store> store;
};

// Another service as this process reaches it: a pooled client (make_client) and the adapter
// that speaks through it, built as Adapter(client, extra...). The client outlives the adapter.
template <class Adapter>
struct RemoteService {
  template <class... Extra>
  RemoteService(const Config& config, const std::string& name, const std::string& url,
                Extra&&... extra)
      : client(make_client(config, name, url)), adapter(*client, std::forward<Extra>(extra)...) {}

  std::unique_ptr<http::HttpClient> client;
  Adapter adapter;
};

template <class Store>
std::unique_ptr<Store> open_store(adapters::postgres::Database& db, std::chrono::seconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    try {
      return std::make_unique<Store>(db);
    } catch (const ports::Unavailable& e) {
      wait_before_retry("PostgreSQL", e, deadline);  // rethrows once the deadline passed
    }
  }
}

}  // namespace st::app::distributed
