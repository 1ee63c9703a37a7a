#pragma once
// HTTP surface of the routing service: /api/departments*, /api/route*, /api/routing/*.
#include "http/router.hpp"
#include "services/routing/routing_service.hpp"

namespace st::services::routing {

void register_routes(http::Router& router, RoutingService& service);

}  // namespace st::services::routing
