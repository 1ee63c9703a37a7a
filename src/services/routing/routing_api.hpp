#pragma once
// HTTP surface of the routing service: /api/departments*, /api/route*, /api/routing/*.
#include "http/router.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/routing/routing_service.hpp"

namespace st::services::routing {

// `requests` keeps the answers of the PUTs the gateway may retry, so a retry records nothing
// twice (once_per_gateway_request); null: every request runs.
void register_routes(http::Router& router, RoutingService& service,
                     IdempotentRequests* requests = nullptr);

}  // namespace st::services::routing
