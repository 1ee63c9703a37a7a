#pragma once
// The health probes of one service, the same in every process that runs it:
//
//   GET /health        {"status", "service", "details"}: the service's own state (e.g. the
//                      categorizer's strategies) and one entry per dependency it needs to
//                      serve (its database, its bus), each probed now within its time
//                      budget (TimedProbe). 200 while it can serve ("healthy", or "degraded"
//                      when it serves below its configuration); 503 "unhealthy" when a
//                      dependency fails.
//   GET /health/live   200 while the process runs (Kubernetes restarts it otherwise); probes
//                      nothing, so a database outage never restarts the services.
//   GET /health/ready  200 when every dependency answers, else 503 (Kubernetes takes it out
//                      of the Service until it does).
//
// None of them needs a credential (the service credential guard lets /health* through, the
// gateway declares them open and unlimited).
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/beast.hpp"
#include "http/router.hpp"
#include "services/common/timed_probe.hpp"

namespace st::services {

class ServiceHealth {
 public:
  // `own` gives the service's own part, {"status": "healthy"|"degraded", "details": {...}};
  // empty: always healthy, no details.
  using OwnHealth = std::function<nlohmann::json()>;

  // The probes outlive this object (a process shares them between its services).
  ServiceHealth(std::string service, std::vector<TimedProbe*> dependencies, OwnHealth own = {});

  // The /health body (probes every dependency now, all at once).
  http::asio::awaitable<nlohmann::json> report() const;
  http::asio::awaitable<http::Response> health() const;
  http::Response live() const;
  http::asio::awaitable<http::Response> ready() const;

  // Serves the three on a service's internal router.
  void register_routes(http::Router& router) const;

 private:
  // {name: {"status": "healthy"|"unhealthy", "latency_ms", "error"?}}; `ok` false if any failed.
  http::asio::awaitable<nlohmann::json> probe_all(bool& ok) const;

  const std::string service_;
  const std::vector<TimedProbe*> dependencies_;
  const OwnHealth own_;
};

}  // namespace st::services
