#include "app/embedded_system.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "adapters/curl/curl_webhook_transport.hpp"
#include "adapters/inproc_bus/inproc_bus.hpp"
#include "adapters/sqlite/analytics_store.hpp"
#include "adapters/sqlite/backup.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/idempotency_store.hpp"
#include "adapters/sqlite/key_store.hpp"
#include "adapters/sqlite/queue_store.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "adapters/sqlite/webhook_store.hpp"
#include "app/components/analytics.hpp"
#include "app/components/categorizer.hpp"
#include "app/components/gateway.hpp"
#include "app/components/routing.hpp"
#include "app/components/tickets.hpp"
#include "app/components/webhooks.hpp"
#include "app/config/server_options.hpp"
#include "app/host.hpp"
#include "app/store_metrics.hpp"
#include "ports/clock.hpp"
#include "services/gateway/upstream.hpp"

namespace st::app {

namespace sqlite = adapters::sqlite;

// The server owns its data file: an exclusive lock spares every transaction its file-lock
// system calls (measured: ~20% more tickets/s) and stops a second server on the same
// directory, which would otherwise contend for the writer lock. Stop the server to inspect
// the file with the sqlite3 shell.
sqlite::DatabaseOptions embedded_database_options(const Config& c) {
  sqlite::DatabaseOptions options;
  options.exclusive_process = true;
  options.durability = c.durability == "normal" ? sqlite::Connection::Durability::normal
                                                : sqlite::Connection::Durability::full;
  return options;
}

std::string embedded_data_file(const std::string& dir) {
  std::filesystem::create_directories(dir);
  return (std::filesystem::absolute(dir) / "smartticket.db").lexically_normal().string();
}

namespace {

sqlite::Database open_database(const std::string& file, const Config& c) {
  try {
    return sqlite::Database(file, embedded_database_options(c));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open " + file +
                             " (is another smartticket using it?): " + e.what());
  }
}

// One server; the data file is what /health/ready probes (the bus is in-process).
Host::Options host_options(const Config& c, sqlite::Database& db) {
  Host::Options options;
  options.server = server_options(c);
  options.checks = {&db};
  // Patient consumers here too: a full disk or an I/O error is an outage of the data file,
  // and events must wait it out rather than spend their delivery budget on it.
  options.patient_consumers = true;
  return options;
}

}  // namespace

// Declaration order is construction order: adapters, then the components on them, then the
// host, which wires each component to the bus and the HTTP server. Destruction runs the
// other way: the host stops before anything it runs goes away.
struct EmbeddedSystem::Parts {
  explicit Parts(const Config& c)
      : file(embedded_data_file(c.data_dir)),
        db(open_database(file, c)),
        ticket_store(db),
        routing_store(db),
        analytics_store(db),
        queue_store(db),
        training_store(db),
        key_store(db),
        idempotency_store(db),
        backup(db),
        webhook_store(db),
        bus(queue_store, adapters::inproc::InProcBus::Options{.paused = c.pause_pipeline}),
        tickets(ticket_store, ticket_store, idempotency_store, clock,
                std::chrono::milliseconds(c.search_timeout_ms),
                std::chrono::milliseconds(c.sla_check_interval_ms)),
        routing(routing_store, routing_store, tickets.service(), idempotency_store, clock,
                c.review_below_confidence),
        // Claude -> learned model -> keywords; the model keeps its training examples in the
        // same data file.
        categorizer(c, &training_store, {}, routing.service(), bus, clock),
        analytics(analytics_store, clock),
        webhooks(c, webhook_store, webhook_transport, clock),
        tickets_up("tickets", tickets_routes),
        categorizer_up("categorizer", categorizer_routes),
        routing_up("routing", routing_routes),
        analytics_up("analytics", analytics_routes),
        gateway(c, "embedded", {tickets_up, categorizer_up, routing_up, analytics_up}, key_store,
                idempotency_store, bus, clock, &bus, &backup),
        host(bus, gateway_routes, host_options(c, db)) {
    host.add(tickets, tickets_routes);
    host.add(routing, routing_routes);
    host.add(categorizer, categorizer_routes);
    host.add(analytics, analytics_routes);
    // Beside analytics: the gateway forwards /api/webhooks to the analytics upstream.
    host.add(webhooks, analytics_routes);
    host.add(gateway, gateway_routes);
    export_database_metrics(host.metrics(), db);
  }

  std::string file;
  sqlite::Database db;
  sqlite::SqliteTicketStore ticket_store;
  sqlite::SqliteRoutingStore routing_store;
  sqlite::SqliteAnalyticsStore analytics_store;
  sqlite::SqliteQueueStore queue_store;
  sqlite::SqliteTrainingExampleStore training_store;
  sqlite::SqliteKeyStore key_store;
  sqlite::SqliteIdempotencyStore idempotency_store;
  sqlite::SqliteBackup backup;
  sqlite::SqliteWebhookStore webhook_store;
  adapters::curl::CurlWebhookTransport webhook_transport;
  ports::SystemClock clock;
  adapters::inproc::InProcBus bus;

  components::TicketsComponent tickets;
  components::RoutingComponent routing;
  components::CategorizerComponent categorizer;
  components::AnalyticsComponent analytics;
  components::WebhooksComponent webhooks;
  // One process, one HTTP server: it answers the gateway's routes, and the gateway calls
  // each service's routes in-process.
  http::Router tickets_routes, categorizer_routes, routing_routes, analytics_routes, gateway_routes;
  services::gateway::LocalUpstream tickets_up, categorizer_up, routing_up, analytics_up;
  components::GatewayComponent gateway;
  Host host;
};

EmbeddedSystem::EmbeddedSystem(const Config& config) : parts_(std::make_unique<Parts>(config)) {}

EmbeddedSystem::~EmbeddedSystem() {
  stop();
}

void EmbeddedSystem::start() {
  parts_->host.start();
}

std::uint16_t EmbeddedSystem::port() const {
  return parts_->host.port();
}
std::string EmbeddedSystem::data_file() const {
  return parts_->file;
}

void EmbeddedSystem::stop() {
  if (!parts_) return;
  parts_->host.stop();
  parts_.reset();
}

}  // namespace st::app
