#pragma once
// HTTP surface of the categorizer: POST /api/categorize (categorize without creating) and,
// given a registry, GET /metrics (Prometheus text). In one process the gateway forwards /metrics
// here; a categorizer running alone serves it itself.
#include "http/router.hpp"
#include "metrics/registry.hpp"
#include "services/categorizer/categorizer_service.hpp"

namespace st::services::categorizer {

// POST /api/categorize runs on `waits` (a Claude call may take seconds), never on the
// server's I/O threads.
void register_routes(http::Router& router, CategorizerService& service, http::BlockingPool& waits,
                     const metrics::Registry* metrics = nullptr);

}  // namespace st::services::categorizer
