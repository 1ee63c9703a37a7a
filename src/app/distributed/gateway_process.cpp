// --target=gateway: the public API on port 5000. It owns no data: every route goes to the
// service that owns it over pooled HTTP clients, and its own transient queue (one per gateway
// instance) feeds the live event stream and wakes create requests waiting for routing.
#include "adapters/postgres/idempotency_store.hpp"
#include "adapters/postgres/key_store.hpp"
#include "app/access_setup.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "app/queues.hpp"
#include "auth/authenticator.hpp"
#include "services/gateway/gateway.hpp"
#include "services/gateway/http_upstream.hpp"

namespace st::app::distributed {
namespace {

using services::gateway::HttpUpstream;

resilience::CircuitBreakerOptions breaker_options(const Config& c) {
  return {.failure_threshold = c.upstream_breaker_failures,
          .open_duration = std::chrono::milliseconds(c.upstream_breaker_open_ms)};
}

class GatewayProcess final : public ProcessBase {
 public:
  explicit GatewayProcess(const Config& c)
      : ProcessBase(c, "gateway"),
        tickets_client_(make_client(c, "tickets", c.tickets_url)),
        categorizer_client_(make_client(c, "categorizer", c.categorizer_url)),
        routing_client_(make_client(c, "routing", c.routing_url)),
        analytics_client_(make_client(c, "analytics", c.analytics_url)),
        tickets_(*tickets_client_, breaker_options(c)),
        categorizer_(*categorizer_client_, breaker_options(c)),
        routing_(*routing_client_, breaker_options(c)),
        analytics_(*analytics_client_, breaker_options(c)),
        // The gateway's own tables: API keys (and idempotency records), shared by every
        // gateway instance.
        db_(make_database(c)),
        key_store_(open_store<adapters::postgres::PgKeyStore>(*db_)),
        idempotency_store_(open_store<adapters::postgres::PgIdempotencyStore>(*db_)),
        authenticator_(*key_store_, clock_),
        gateway_({.create_timeout = std::chrono::milliseconds(c.create_timeout_ms),
                  .mode = "distributed",
                  .access = access_options(c)},
                 {tickets_, categorizer_, routing_, analytics_},
                 {&authenticator_, idempotency_store_.get()}) {
    bootstrap_admin_key(*key_store_, c);
    gateway_.register_routes(router_);
    bus_->subscribe(queues::gateway(),
                    [this](const ports::Delivery& d) { return gateway_.on_event(d); });
  }
  ~GatewayProcess() override { stop(); }

 protected:
  void before_bus_stop() override { gateway_.close(); }

 private:
  std::unique_ptr<http::HttpClient> tickets_client_, categorizer_client_, routing_client_,
      analytics_client_;
  HttpUpstream tickets_, categorizer_, routing_, analytics_;
  ports::SystemClock clock_;
  std::unique_ptr<adapters::postgres::Database> db_;
  std::unique_ptr<adapters::postgres::PgKeyStore> key_store_;
  std::unique_ptr<adapters::postgres::PgIdempotencyStore> idempotency_store_;
  auth::Authenticator authenticator_;
  services::gateway::Gateway gateway_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_gateway_process(const Config& config) {
  return std::make_unique<GatewayProcess>(config);
}

}  // namespace st::app::distributed
