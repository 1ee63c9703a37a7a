#pragma once
// HTTP surface of the routing service: /api/departments*, /api/route*, /api/routing/*.
#include "http/router.hpp"
#include "services/routing/routing_service.hpp"

namespace st::services::routing {

// POST and PUT /api/route run on `waits`: a routing calls the tickets service (over HTTP in
// distributed mode, seconds when it is slow), never on the server's I/O threads.
void register_routes(http::Router& router, RoutingService& service, http::BlockingPool& waits);

}  // namespace st::services::routing
