// --target=gateway: the public API on port 5000. It owns no data: every route goes to the
// service that owns it over pooled HTTP clients, and its own transient queue (one per gateway
// instance) feeds the live event stream and wakes create requests waiting for routing.
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "app/queues.hpp"
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
        gateway_({std::chrono::milliseconds(c.create_timeout_ms), "distributed"},
                 {tickets_, categorizer_, routing_, analytics_}) {
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
  services::gateway::Gateway gateway_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_gateway_process(const Config& config) {
  return std::make_unique<GatewayProcess>(config);
}

}  // namespace st::app::distributed
