#pragma once
// HTTP surface of the routing service: /api/departments*, /api/route*, /api/routing/*.
#include "http/router.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/routing/routing_service.hpp"

namespace st::services::routing {

// POST and PUT /api/route run on `waits`: a routing calls the tickets service (over HTTP in
// distributed mode, seconds when it is slow), never on the server's I/O threads.
// `requests` keeps the answers of the PUTs the gateway may retry, so a retry records nothing
// twice (once_per_gateway_request); null: every request runs.
void register_routes(http::Router& router, RoutingService& service, http::BlockingPool& waits,
                     IdempotentRequests* requests = nullptr);

}  // namespace st::services::routing
