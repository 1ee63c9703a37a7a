#pragma once
// The HTTP server's request metrics: smartticket_http_requests_total{route,method,code} and
// smartticket_http_request_duration_seconds{route,method,code_class}, where `route` is the
// matched template ("/api/tickets/{id}") or "unmatched" (404, 405, a guard's refusal), never
// the raw path, so the number of series stays bounded by the router's table.
//
// Cheap on the request path: every route's histograms are resolved once, at construction,
// and its counters on the first answer with each status code; after that a request costs
// an array index and a few relaxed atomic adds. Thread-safe.
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/beast.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace st::http {

class RequestMetrics {
 public:
  // `router` must hold all its routes already; both outlive this object.
  RequestMetrics(metrics::Registry& registry, const Router& router);

  // `route` is Router::Match::route (-1: unmatched); `method` the request's.
  void record(int route, bhttp::verb method, unsigned status, std::chrono::nanoseconds elapsed);

  static constexpr std::string_view kUnmatched = "unmatched";

 private:
  static constexpr unsigned kMinCode = 100;
  static constexpr unsigned kCodes = 500;  // 100..599
  struct Series {
    std::string route;
    std::string method;
    std::array<metrics::Histogram*, 5> duration{};  // by code class 1xx..5xx
    std::array<std::atomic<metrics::Counter*>, kCodes> requests{};
  };
  metrics::Counter& counter_for(Series& s, unsigned status);

  metrics::Registry& registry_;
  std::vector<std::unique_ptr<Series>> routes_;  // one per router route
};

}  // namespace st::http
