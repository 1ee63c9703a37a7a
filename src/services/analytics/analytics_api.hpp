#pragma once
// HTTP surface of analytics: /api/dashboard/*, /api/analytics/*, /api/tickets/{id}/events.
#include "http/router.hpp"
#include "services/analytics/analytics_service.hpp"

namespace st::services::analytics {

void register_routes(http::Router& router, AnalyticsService& service);

}  // namespace st::services::analytics
