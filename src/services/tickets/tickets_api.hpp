#pragma once
// HTTP surface of the tickets service (what the gateway forwards to, in one process or over
// the network): /api/tickets, /api/tickets/{id}, /api/tickets/{id}/status,
// /api/tickets/{id}/priority, /api/tickets/{id}/assignee, /api/tickets/{id}/comments,
// /api/statuses,
// and the internal call routing uses to assign a department.
#include <chrono>

#include "http/router.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/tickets/tickets_service.hpp"

namespace st::services::tickets {

// `search_budget`: how long a list with a text search (q=) may run; past it the answer is 503
// `search_timeout`. 0: no limit. `requests` keeps the answers of the PUTs the gateway may
// retry, so a retry records nothing twice (once_per_gateway_request); null: every request runs.
void register_routes(http::Router& router, TicketsService& service,
                     std::chrono::milliseconds search_budget = std::chrono::milliseconds{0},
                     IdempotentRequests* requests = nullptr);

}  // namespace st::services::tickets
