#include "app/components/routing.hpp"

#include "app/queues.hpp"
#include "services/routing/routing_api.hpp"

namespace st::app::components {

RoutingComponent::RoutingComponent(ports::RoutingStore& store, ports::Outbox& outbox,
                                   ports::DepartmentSetter& tickets,
                                   ports::IdempotencyStore& requests, const ports::Clock& clock,
                                   int review_below_confidence)
    : outbox_(outbox),
      requests_(requests, clock),
      service_(store, tickets, clock, review_below_confidence) {
  service_.initialize();
}

void RoutingComponent::register_routes(http::Router& router) {
  services::routing::register_routes(router, service_, waits_, &requests_);
}

void RoutingComponent::drain() {
  waits_.stop();
}

std::vector<Subscription> RoutingComponent::subscriptions(int prefetch) {
  return {{queues::routing(prefetch), [this](const std::vector<ports::Delivery>& batch) {
             return service_.on_categorized(batch);
           }}};
}

}  // namespace st::app::components
