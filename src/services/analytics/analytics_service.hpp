#pragma once
// The analytics service: records every pipeline event (its event log is also each
// ticket's audit trail) and answers the dashboard and analytics queries from it.
#include "ports/analytics_store.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"

namespace st::services::analytics {

class AnalyticsService {
 public:
  AnalyticsService(ports::AnalyticsStore& store, const ports::Clock& clock)
      : store_(store), clock_(clock) {}

  // Consumer of ticket.# (every event).
  ports::Disposition on_event(const ports::Delivery& d);

  ports::AnalyticsStore& store() { return store_; }
  domain::Millis now() const { return clock_.now(); }

 private:
  ports::AnalyticsStore& store_;
  const ports::Clock& clock_;
};

}  // namespace st::services::analytics
