#pragma once
// The webhooks service's HTTP routes, reached through the gateway (admins only there):
// /api/webhooks (list, create), /api/webhooks/{id} (read, update, delete), its deliveries and
// a delivery's replay. No answer carries a webhook's secret.
#include "http/blocking_pool.hpp"
#include "http/router.hpp"
#include "services/webhooks/webhooks_service.hpp"

namespace st::services::webhooks {

// Creates and updates resolve the URL's host (DNS may take seconds): they run on `pool`.
void register_routes(http::Router& router, WebhooksService& service, http::BlockingPool& pool);

}  // namespace st::services::webhooks
