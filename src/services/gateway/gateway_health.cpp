// The gateway's /api/health: its own state, every service's /health, what is wrong in one
// list (`problems`), and the dead letters waiting.
#include "services/gateway/gateway.hpp"

#include <spdlog/spdlog.h>

#include "http/json_response.hpp"

namespace st::services::gateway {

namespace asio = http::asio;
namespace bhttp = http::bhttp;
using http::RequestContext;
using http::Response;
using nlohmann::json;

namespace {

// "tickets.database: connection refused": each part of a service's /health that is not
// healthy, so /api/health names what fails (an unreachable service is one part).
void collect_problems(const std::string& service, const json& entry, json& problems) {
  const std::string status = entry.value("status", "down");
  if (status == "down") {
    problems.push_back(service + ": not reachable");
    return;
  }
  if (!entry.contains("details") || !entry["details"].is_object()) return;
  for (const auto& [part, d] : entry["details"].items()) {
    if (!d.is_object() || !d.contains("status") || !d["status"].is_string()) continue;
    const std::string s = d["status"];
    if (s == "healthy" || s == "off") continue;  // "off": a mode the operator chose
    std::string why = d.value("error", d.value("reason", s));
    problems.push_back(service + "." + part + ": " + why);
  }
}

}  // namespace

json Gateway::own_health() const {
  const auto streams = hub_.stats();
  return {{"status", "healthy"},
          {"details",
           {{"event_streams",
             {{"open", streams.open},
              {"refused", streams.refused},
              {"disconnected_slow", streams.disconnected_slow},
              {"write_timeouts", streams.write_timeouts}}}}}};
}

asio::awaitable<Response> Gateway::health(RequestContext& ctx) {
  json services = json::object();
  json problems = json::array();
  json own = own_health();
  if (own_health_) own = co_await own_health_->report();
  own.erase("service");
  services["gateway"] = own;
  collect_problems("gateway", own, problems);
  // The gateway cannot check keys without its store, nor create without the tickets service.
  bool serving = own["status"] != "unhealthy";
  bool all_ok = own["status"] == "healthy";
  for (Upstream* u :
       {&upstreams_.tickets, &upstreams_.categorizer, &upstreams_.routing, &upstreams_.analytics}) {
    const auto req = make_get("/health", ctx);
    Response r = co_await u->send(req, ctx);
    auto j = json_of(r);
    // A service that answers says how it is (200 healthy/degraded, 503 unhealthy); one that
    // does not (the upstream's own 502/503/504) is down.
    std::string status = j && j->contains("status") && (*j)["status"].is_string()
                             ? (*j)["status"].get<std::string>()
                             : "down";
    json entry{{"status", status}};
    if (j && j->contains("details")) entry["details"] = (*j)["details"];
    collect_problems(u->name(), entry, problems);
    services[u->name()] = std::move(entry);
    if (status != "healthy") all_ok = false;
    if (u == &upstreams_.tickets && (status == "down" || status == "unhealthy")) serving = false;
  }
  json body{{"status", !serving ? "unhealthy"
                       : all_ok ? "healthy"
                                : "degraded"},
            {"mode", options_.mode},
            {"version", SMARTTICKET_VERSION},
            {"services", services}};
  if (!problems.empty()) body["problems"] = std::move(problems);
  if (dead_letters_.bus) body["dead_letters"] = dead_letter_counts();
  co_return http::json_response(serving ? bhttp::status::ok : bhttp::status::service_unavailable,
                                body);
}

json Gateway::dead_letter_counts() const {
  json queues = json::object();
  std::uint64_t total = 0;
  bool reachable = true;
  for (const auto& name : dead_letters_.queues) {
    queues[name] = nullptr;
    // One failure and the rest are not asked: a broker that does not answer would make
    // every question wait out its timeout.
    if (!reachable) continue;
    try {
      const auto n = dead_letters_.bus->dead_letter_count(name);
      queues[name] = n;
      total += n;
    } catch (const std::exception& e) {
      spdlog::warn("gateway: cannot count the dead letters of {}: {}", name, e.what());
      reachable = false;
    }
  }
  return {{"total", total}, {"queues", std::move(queues)}};
}

}  // namespace st::services::gateway
