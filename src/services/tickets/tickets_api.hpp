#pragma once
// HTTP surface of the tickets service (what the gateway forwards to, in one process or over
// the network): /api/tickets, /api/tickets/{id}, /api/tickets/{id}/status, /api/statuses,
// and the internal call routing uses to assign a department.
#include "http/router.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/tickets/tickets_service.hpp"

namespace st::services::tickets {

// `requests` keeps the answers of the PUTs the gateway may retry, so a retry records nothing
// twice (once_per_gateway_request); null: every request runs.
void register_routes(http::Router& router, TicketsService& service,
                     IdempotentRequests* requests = nullptr);

}  // namespace st::services::tickets
