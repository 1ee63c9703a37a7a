#include "http/metrics_response.hpp"

namespace st::http {

Response metrics_response(const metrics::Registry& registry, unsigned http_version) {
  Response res{bhttp::status::ok, http_version};
  res.set(bhttp::field::content_type, metrics::kContentType);
  res.body() = registry.render();
  res.prepare_payload();
  return res;
}

}  // namespace st::http
