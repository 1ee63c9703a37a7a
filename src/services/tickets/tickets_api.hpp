#pragma once
// HTTP surface of the tickets service (what the gateway forwards to, in one process or over
// the network): /api/tickets, /api/tickets/{id}, /api/tickets/{id}/status, /api/statuses,
// and the internal call routing uses to assign a department.
#include "http/router.hpp"
#include "services/tickets/tickets_service.hpp"

namespace st::services::tickets {

void register_routes(http::Router& router, TicketsService& service);

}  // namespace st::services::tickets
