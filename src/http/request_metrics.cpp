#include "http/request_metrics.hpp"

namespace st::http {

namespace {

constexpr const char* kRequests = "smartticket_http_requests_total";
constexpr const char* kRequestsHelp = "HTTP requests answered, by route template and status code";
constexpr const char* kDuration = "smartticket_http_request_duration_seconds";
constexpr const char* kDurationHelp =
    "Time from a request's headers to its answer, by route template and status class";

std::string code_class(std::size_t i) {
  return std::to_string(i + 1) + "xx";
}

}  // namespace

RequestMetrics::RequestMetrics(metrics::Registry& registry, const Router& router)
    : registry_(registry) {
  const auto bounds = metrics::latency_buckets_seconds();
  for (std::size_t r = 0; r < router.route_count(); ++r) {
    auto s = std::make_unique<Series>();
    s->route = router.pattern(r);
    s->method = std::string(bhttp::to_string(router.method(r)));
    for (std::size_t c = 0; c < s->duration.size(); ++c)
      s->duration[c] = &registry_.histogram(
          kDuration, kDurationHelp, bounds,
          {{"route", s->route}, {"method", s->method}, {"code_class", code_class(c)}});
    routes_.push_back(std::move(s));
  }
}

metrics::Counter& RequestMetrics::counter_for(Series& s, unsigned status) {
  auto& slot = s.requests[status - kMinCode];
  if (auto* c = slot.load(std::memory_order_acquire)) return *c;
  // The registry returns the same counter for the same labels: a race here is harmless.
  auto& c = registry_.counter(
      kRequests, kRequestsHelp,
      {{"route", s.route}, {"method", s.method}, {"code", std::to_string(status)}});
  slot.store(&c, std::memory_order_release);
  return c;
}

void RequestMetrics::record(int route, bhttp::verb method, unsigned status,
                            std::chrono::nanoseconds elapsed) {
  if (status < kMinCode || status >= kMinCode + kCodes) return;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const std::size_t cls = status / 100 - 1;
  if (route >= 0 && static_cast<std::size_t>(route) < routes_.size()) {
    auto& s = *routes_[static_cast<std::size_t>(route)];
    counter_for(s, status).inc();
    s.duration[cls]->observe(seconds);
    return;
  }
  // Unmatched: rare, and the method is the client's: looked up in the registry each time
  // (bounded: known methods × status codes).
  const std::string m(bhttp::to_string(method));
  const std::string r(kUnmatched);
  registry_
      .counter(kRequests, kRequestsHelp,
               {{"route", r}, {"method", m}, {"code", std::to_string(status)}})
      .inc();
  registry_
      .histogram(kDuration, kDurationHelp, metrics::latency_buckets_seconds(),
                 {{"route", r}, {"method", m}, {"code_class", code_class(cls)}})
      .observe(seconds);
}

}  // namespace st::http
