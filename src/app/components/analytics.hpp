#pragma once
// Analytics: appends every ticket.* event to its own event log and keeps the per-ticket
// projection the dashboards read; redeliveries are absorbed by event id.
#include "app/components/component.hpp"
#include "ports/analytics_store.hpp"
#include "ports/clock.hpp"
#include "services/analytics/analytics_service.hpp"

namespace st::app::components {

class AnalyticsComponent final : public Component {
 public:
  AnalyticsComponent(ports::AnalyticsStore& store, const ports::Clock& clock);

  std::string name() const override { return "analytics"; }
  void register_routes(http::Router& router) override;
  std::vector<Subscription> subscriptions(int prefetch) override;

 private:
  services::analytics::AnalyticsService service_;
};

}  // namespace st::app::components
