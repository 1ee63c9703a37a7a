#pragma once
// A distributed service process: one component on the distributed adapters, run by the Host
// (the same start and shutdown order as the embedded mode) behind an HTTP server of its own,
// with its consumers patient (they wait out a restarting database or peer).
//
// `Target` is what a target file builds (tickets_process.cpp, ...): a struct constructed
// from (const Config&, ports::EventBus&, const ports::Clock&) that holds the target's
// adapters and, as its member `component`, the components::Component they back (and, if it
// has guests(), the other components it hosts on the same router). Members
// are destroyed in reverse order: the host stops before the target and the bus go away.
#include <cstdint>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/service_process.hpp"
#include "app/host.hpp"
#include "app/store_metrics.hpp"
#include "http/router.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"

namespace st::app::distributed {

// The host settings of `service`'s process: its listening address, the configured
// prefetch, patient consumers, and (but for the gateway) the service credential guard.
Host::Options host_options(const Config& config, const std::string& service);

// A target's member `db` (its own, or PostgresStore's) is the database it needs to serve:
// /health and /health/ready probe it (and the bus, always). A target without one (the
// categorizer: its training database is optional) has only the bus probed.
template <class Target>
Host::Options with_database_check(Host::Options options, Target& target) {
  if constexpr (requires { target.db->probe(); }) options.checks.push_back(target.db.get());
  return options;
}

template <class Target>
class ComponentProcess final : public ServiceProcess {
 public:
  ComponentProcess(const Config& config, const std::string& service)
      : bus_(make_event_bus(config, service)),
        target_(config, *bus_, clock_),
        host_(*bus_, routes_, with_database_check(host_options(config, service), target_)) {
    host_.add(target_.component, routes_);
    if constexpr (requires { target_.db->pool_stats(); })
      export_database_metrics(host_.metrics(), *target_.db);
    // Components the target hosts beside its own on the same router (the analytics process:
    // the webhooks).
    if constexpr (requires { target_.guests(); })
      for (components::Component* guest : target_.guests()) host_.add(*guest, routes_);
  }

  void start() override { host_.start(); }
  void stop() override { host_.stop(); }
  std::uint16_t port() const override { return host_.port(); }

 private:
  ports::SystemClock clock_;
  std::unique_ptr<ports::EventBus> bus_;
  Target target_;
  http::Router routes_;
  Host host_;
};

}  // namespace st::app::distributed
