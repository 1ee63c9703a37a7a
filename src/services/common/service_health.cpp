#include "services/common/service_health.hpp"

#include <chrono>
#include <utility>

#include "http/json_response.hpp"

namespace st::services {

using nlohmann::json;

ServiceHealth::ServiceHealth(std::string service, std::vector<ports::HealthCheck*> checks,
                             OwnHealth own)
    : service_(std::move(service)), checks_(std::move(checks)), own_(std::move(own)) {}

json ServiceHealth::probe_all(bool& ok) const {
  ok = true;
  json out = json::object();
  for (auto* check : checks_) {
    const auto started = std::chrono::steady_clock::now();
    const ports::Probe p = check->probe();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    json entry{{"status", p.ok ? "healthy" : "unhealthy"}, {"latency_ms", took.count()}};
    if (!p.ok) entry["error"] = p.detail;
    out[check->health_name()] = std::move(entry);
    ok = ok && p.ok;
  }
  return out;
}

json ServiceHealth::report() const {
  json own = own_ ? own_() : json::object();
  std::string status = own.is_object() ? own.value("status", "healthy") : "healthy";
  json details = own.is_object() && own.contains("details") && own["details"].is_object()
                     ? own["details"]
                     : json::object();
  bool dependencies_ok = true;
  const json probes = probe_all(dependencies_ok);
  for (const auto& [name, entry] : probes.items()) details[name] = entry;
  if (!dependencies_ok) status = "unhealthy";
  return {{"status", status}, {"service", service_}, {"details", std::move(details)}};
}

http::Response ServiceHealth::health() const {
  json body = report();
  const bool serving = body["status"] != "unhealthy";
  return http::json_response(
      serving ? http::bhttp::status::ok : http::bhttp::status::service_unavailable, body);
}

http::Response ServiceHealth::live() const {
  return http::ok({{"status", "alive"}, {"service", service_}});
}

http::Response ServiceHealth::ready() const {
  bool ok = true;
  json details = probe_all(ok);
  return http::json_response(
      ok ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
      {{"status", ok ? "ready" : "not_ready"},
       {"service", service_},
       {"details", std::move(details)}});
}

void ServiceHealth::register_routes(http::Router& router) const {
  router.route(http::bhttp::verb::get, "/health",
               [this](http::RequestContext&) { return health(); });
  router.route(http::bhttp::verb::get, "/health/live",
               [this](http::RequestContext&) { return live(); });
  router.route(http::bhttp::verb::get, "/health/ready",
               [this](http::RequestContext&) { return ready(); });
}

}  // namespace st::services
