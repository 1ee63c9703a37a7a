#pragma once
// HTTP surface of analytics: /api/dashboard/*, /api/analytics/*, /api/tickets/{id}/events,
// and /api/admin/analytics/rebuild (POST starts a rebuild of the projection from the event
// log, 202; GET tells how it went).
#include "http/router.hpp"
#include "services/analytics/analytics_service.hpp"

namespace st::services::analytics {

void register_routes(http::Router& router, AnalyticsService& service);

}  // namespace st::services::analytics
