#pragma once
// The routing service: owns departments and the routing history; consumes
// ticket.categorized, records each decision with its ticket.routed event in one transaction
// (the outbox) and tells the tickets service the department (in-process, or over HTTP: an
// idempotent call, retried while the tickets service is down).
#include "app/components/component.hpp"
#include "http/blocking_pool.hpp"
#include "ports/clock.hpp"
#include "ports/idempotency_store.hpp"
#include "ports/routing_store.hpp"
#include "ports/service_clients.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/routing/routing_service.hpp"

namespace st::app::components {

class RoutingComponent final : public Component {
 public:
  // Creates the default departments on first start. `outbox` is the store's own. `requests`
  // keeps the answers to reroutes the gateway may retry (one routing recorded per request).
  RoutingComponent(ports::RoutingStore& store, ports::Outbox& outbox,
                   ports::DepartmentSetter& tickets, ports::IdempotencyStore& requests,
                   const ports::Clock& clock, int review_below_confidence);

  std::string name() const override { return "routing"; }
  void register_routes(http::Router& router) override;
  // The pipeline's durations, observed as ticket.categorized is routed.
  void attach_metrics(metrics::Registry& registry) override { service_.observe_pipeline(registry); }
  std::vector<Subscription> subscriptions(int prefetch) override;
  std::vector<ports::Outbox*> outboxes() override { return {&outbox_}; }
  // The HTTP server has stopped: the routings still on the pool finish.
  void drain() override;

  // The department list the categorizer reads when both run in one process.
  services::routing::RoutingService& service() { return service_; }

 private:
  ports::Outbox& outbox_;
  services::IdempotentRequests requests_;
  services::routing::RoutingService service_;
  // Manual routings wait here for the tickets service.
  http::BlockingPool waits_{{.name = "route-calls", .threads = 4, .queue = 32}};
};

}  // namespace st::app::components
