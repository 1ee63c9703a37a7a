#include "services/common/service_health.hpp"

#include <utility>

#include "http/json_response.hpp"

namespace st::services {

namespace asio = http::asio;
using nlohmann::json;

ServiceHealth::ServiceHealth(std::string service, std::vector<TimedProbe*> dependencies,
                             OwnHealth own)
    : service_(std::move(service)), dependencies_(std::move(dependencies)), own_(std::move(own)) {}

asio::awaitable<json> ServiceHealth::probe_all(bool& ok) const {
  ok = true;
  json out = json::object();
  // Every probe runs at the same time: the answer waits for the slowest one, not their sum.
  std::vector<std::uint64_t> started;
  for (auto* dependency : dependencies_) started.push_back(dependency->start());
  for (std::size_t i = 0; i < dependencies_.size(); ++i) {
    TimedProbe* dependency = dependencies_[i];
    const TimedProbe::Result r = co_await dependency->result(started[i]);
    json entry{{"status", r.probe.ok ? "healthy" : "unhealthy"}, {"latency_ms", r.took.count()}};
    if (!r.probe.ok) entry["error"] = r.probe.detail;
    out[dependency->name()] = std::move(entry);
    ok = ok && r.probe.ok;
  }
  co_return out;
}

asio::awaitable<json> ServiceHealth::report() const {
  json own = own_ ? own_() : json::object();
  std::string status = own.is_object() ? own.value("status", "healthy") : "healthy";
  json details = own.is_object() && own.contains("details") && own["details"].is_object()
                     ? own["details"]
                     : json::object();
  bool dependencies_ok = true;
  const json probes = co_await probe_all(dependencies_ok);
  for (const auto& [name, entry] : probes.items()) details[name] = entry;
  if (!dependencies_ok) status = "unhealthy";
  co_return json{{"status", status}, {"service", service_}, {"details", std::move(details)}};
}

asio::awaitable<http::Response> ServiceHealth::health() const {
  const json body = co_await report();
  const bool serving = body["status"] != "unhealthy";
  co_return http::json_response(
      serving ? http::bhttp::status::ok : http::bhttp::status::service_unavailable, body);
}

http::Response ServiceHealth::live() const {
  return http::ok({{"status", "alive"}, {"service", service_}});
}

asio::awaitable<http::Response> ServiceHealth::ready() const {
  bool ok = true;
  json details = co_await probe_all(ok);
  co_return http::json_response(
      ok ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
      {{"status", ok ? "ready" : "not_ready"},
       {"service", service_},
       {"details", std::move(details)}});
}

void ServiceHealth::register_routes(http::Router& router) const {
  using http::bhttp::verb;
  router.route_async(verb::get, "/health", [this](http::RequestContext&) { return health(); });
  router.route(verb::get, "/health/live", [this](http::RequestContext&) { return live(); });
  router.route_async(verb::get, "/health/ready", [this](http::RequestContext&) { return ready(); });
}

}  // namespace st::services
