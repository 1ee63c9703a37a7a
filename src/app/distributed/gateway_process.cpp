// --target=gateway: the gateway component on port 5000, reaching every service over pooled
// HTTP clients (each behind a circuit breaker), with its API keys and idempotency records
// in PostgreSQL, shared by every gateway instance.
#include "adapters/postgres/idempotency_store.hpp"
#include "adapters/postgres/key_store.hpp"
#include "app/components/gateway.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"
#include "services/gateway/http_upstream.hpp"

namespace st::app::distributed {
namespace {

using services::gateway::HttpUpstream;

resilience::CircuitBreakerOptions breaker_options(const Config& c) {
  return {.failure_threshold = c.upstream_breaker_failures,
          .open_duration = std::chrono::milliseconds(c.upstream_breaker_open_ms)};
}

struct GatewayTarget {
  GatewayTarget(const Config& c, ports::EventBus& bus, const ports::Clock& clock)
      : tickets(c, "tickets", c.tickets_url, breaker_options(c)),
        categorizer(c, "categorizer", c.categorizer_url, breaker_options(c)),
        routing(c, "routing", c.routing_url, breaker_options(c)),
        analytics(c, "analytics", c.analytics_url, breaker_options(c)),
        dead_letter_admin(make_dead_letter_admin(c)),
        db(make_database(c)),
        key_store(open_store<adapters::postgres::PgKeyStore>(*db)),
        idempotency_store(open_store<adapters::postgres::PgIdempotencyStore>(*db)),
        component(c, "distributed",
                  {tickets.adapter, categorizer.adapter, routing.adapter, analytics.adapter},
                  *key_store, *idempotency_store, bus, clock, dead_letter_admin.get()) {}

  RemoteService<HttpUpstream> tickets, categorizer, routing, analytics;
  // Its own broker connection, used by the admin routes only.
  std::unique_ptr<ports::DeadLetterAdmin> dead_letter_admin;
  // One pool for both stores.
  std::unique_ptr<adapters::postgres::Database> db;
  std::unique_ptr<adapters::postgres::PgKeyStore> key_store;
  std::unique_ptr<adapters::postgres::PgIdempotencyStore> idempotency_store;
  components::GatewayComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_gateway_process(const Config& config) {
  return std::make_unique<ComponentProcess<GatewayTarget>>(config, "gateway");
}

}  // namespace st::app::distributed
