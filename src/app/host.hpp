#pragma once
// Runs a set of components on one event bus behind one HTTP server: the start and shutdown
// order of both modes, in one place. `--target=all` hosts every component on the embedded
// adapters (the HTTP server answers the gateway, which reaches the others in-process);
// `--target=X` hosts one on the distributed adapters (the server answers that component).
//
// start:    bus → components' start() → outbox relays → HTTP server.
// shutdown: components' close() (live streams and waiting creates answer) → HTTP server
//           (requests in flight finish) → stop flag (patient consumers give up waiting) →
//           components' drain() (queued creates are stored) → relays (the last events are
//           published) → bus (handlers in flight finish) → components' stop().
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "app/components/component.hpp"
#include "app/queues.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/patient_consumer.hpp"
#include "metrics/registry.hpp"
#include "ports/event_bus.hpp"
#include "ports/health_check.hpp"
#include "services/common/service_health.hpp"
#include "services/common/timed_probe.hpp"

namespace st::app {

class Host final {
 public:
  struct Options {
    http::ServerOptions server;
    int prefetch = queues::kDefaultPrefetch;  // batch size of the durable queues
    // Consumers wait out a dependency's outage in place (messaging::patient) until shutdown
    // begins, rather than spend their messages' delivery budget on an outage (a database or
    // peer restarting, a full disk).
    bool patient_consumers = false;
    // What the process needs in order to serve, besides the bus (which is always probed):
    // its database. Each component's /health and /health/ready probe them, each within
    // kProbeBudget.
    std::vector<ports::HealthCheck*> checks;
    // Labels every series of the process's metrics carries (distributed mode: service and
    // instance, so one Prometheus tells the processes apart).
    metrics::Labels metric_labels = {};
    // Whether the host registers GET /metrics on each component's router (a service process;
    // the gateway registers its own, behind its access rules).
    bool metrics_route = false;
  };

  // How long a health request waits for one dependency's probe before it reads as failed:
  // under the readiness probe's timeoutSeconds (2) in deploy/k8s.
  static constexpr std::chrono::milliseconds kProbeBudget{1000};

  // The HTTP server will answer `served`: the routes of the gateway, or of the one component.
  Host(ports::EventBus& bus, const http::Router& served, Options options);
  // Stops; the components, their routers and the bus must outlive the host.
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Before start(): registers the component's routes and health probes on `router` (its
  // own: served, or reached by the gateway in-process), subscribes its queues and gives each
  // of its outboxes a relay.
  void add(components::Component& component, http::Router& router);

  void start();
  std::uint16_t port() const;  // 0 before start()
  // The process's metrics: the HTTP server's requests, each component's series, the relays.
  metrics::Registry& metrics() { return metrics_; }
  // Graceful, in the order above. Idempotent.
  void stop();

 private:
  ports::EventBus& bus_;
  const http::Router& served_;
  const Options options_;
  metrics::Registry metrics_;  // outlives the server, relays and components' collectors
  std::vector<components::Component*> components_;
  // One probe per dependency, shared by every component's health (declared first: they
  // outlive the health routes).
  std::vector<std::unique_ptr<services::TimedProbe>> probes_;
  std::vector<std::unique_ptr<services::ServiceHealth>> health_;  // one per component
  std::vector<std::unique_ptr<messaging::OutboxRelay>> relays_;
  messaging::StopFlag stopping_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<http::Server> server_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace st::app
