#include "app/components/analytics.hpp"

#include "app/queues.hpp"
#include "services/analytics/analytics_api.hpp"

namespace st::app::components {

AnalyticsComponent::AnalyticsComponent(ports::AnalyticsStore& store, const ports::Clock& clock)
    : service_(store, clock) {}

void AnalyticsComponent::register_routes(http::Router& router) {
  services::analytics::register_routes(router, service_);
}

std::vector<Subscription> AnalyticsComponent::subscriptions(int prefetch) {
  return {{queues::analytics(prefetch), [this](const std::vector<ports::Delivery>& batch) {
             return service_.on_events(batch);
           }}};
}

}  // namespace st::app::components
