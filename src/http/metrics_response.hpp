#pragma once
// GET /metrics's answer: `registry` in Prometheus's text exposition format. One for the
// gateway's route and every other process's.
#include "http/beast.hpp"
#include "metrics/registry.hpp"

namespace st::http {

Response metrics_response(const metrics::Registry& registry, unsigned http_version);

}  // namespace st::http
