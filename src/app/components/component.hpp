#pragma once
// One service as both modes run it, declared once (userver's components are the model):
// what it serves (routes), what it consumes (queues and their batch handlers), which
// outboxes it fills, and what it does at start and at each step of a shutdown. Its ports
// come in through its constructor; which adapters back them is the business of the mode
// files (embedded_system.cpp, distributed/*_process.cpp), and the order in which the hooks
// run is the Host's (app/host.hpp), the same for both modes.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "metrics/registry.hpp"
#include "ports/event_bus.hpp"
#include "ports/outbox.hpp"
#include "services/common/service_health.hpp"

namespace st::app::components {

struct Subscription {
  ports::QueueSpec queue;  // from app/queues.hpp
  ports::BatchConsumer consumer;
};

class Component {
 public:
  virtual ~Component() = default;

  // Names its router, its outbox relays and its consumers in logs: "tickets", "gateway", ...
  virtual std::string name() const = 0;
  virtual void register_routes(http::Router& router) = 0;
  // Before register_routes: the process's metrics registry (which outlives the component),
  // for the component's own series and scrape-time collectors.
  virtual void attach_metrics(metrics::Registry& /*registry*/) {}
  // `prefetch` is the mode's batch size for the durable queues.
  virtual std::vector<Subscription> subscriptions(int /*prefetch*/) { return {}; }
  // Each outbox gets a relay to the bus.
  virtual std::vector<ports::Outbox*> outboxes() { return {}; }
  // Its own part of its /health answer, {"status": "healthy"|"degraded", "details": {...}}
  // (the categorizer: its strategies); the host adds the process's dependencies.
  virtual nlohmann::json health() { return {{"status", "healthy"}}; }
  // Serves /health, /health/live and /health/ready (`health` outlives the routes). The
  // gateway puts them under its access rules instead.
  virtual void register_health(http::Router& router, const services::ServiceHealth& health) {
    health.register_routes(router);
  }

  // After the bus started, before the relays and the HTTP server.
  virtual void start() {}
  // Shutdown, first: before the HTTP server stops (answers what would otherwise keep it
  // waiting: live streams, requests waiting for an event).
  virtual void close() {}
  // Once the HTTP server stopped, before the relays drain: work the requests left behind.
  virtual void drain() {}
  // Last, after the bus stopped: nothing is delivered any more.
  virtual void stop() {}
};

}  // namespace st::app::components
