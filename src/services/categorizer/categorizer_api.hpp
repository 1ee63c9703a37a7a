#pragma once
// HTTP surface of the categorizer: POST /api/categorize (categorize without creating).
#include "http/router.hpp"
#include "services/categorizer/categorizer_service.hpp"

namespace st::services::categorizer {

void register_routes(http::Router& router, CategorizerService& service);

}  // namespace st::services::categorizer
