#pragma once
// HTTP surface of the categorizer: POST /api/categorize (categorize without creating). Its
// metrics are part of the process's GET /metrics (app/host.hpp).
#include "http/router.hpp"
#include "services/categorizer/categorizer_service.hpp"

namespace st::services::categorizer {

// POST /api/categorize runs on `waits` (a Claude call may take seconds), never on the
// server's I/O threads.
void register_routes(http::Router& router, CategorizerService& service, http::BlockingPool& waits);

}  // namespace st::services::categorizer
