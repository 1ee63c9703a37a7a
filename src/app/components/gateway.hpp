#pragma once
// The gateway: the public API. It owns no data but the API keys and idempotency records: it
// forwards each route to the service that owns it through an Upstream (in-process, or over
// HTTP), and its own transient queue (one per gateway) feeds the live event stream and
// wakes create requests waiting for routing.
#include <string>

#include "app/components/component.hpp"
#include "app/config.hpp"
#include "auth/authenticator.hpp"
#include "ports/clock.hpp"
#include "ports/dead_letter_admin.hpp"
#include "ports/event_bus.hpp"
#include "ports/idempotency_store.hpp"
#include "ports/key_store.hpp"
#include "ports/store_backup.hpp"
#include "services/gateway/gateway.hpp"

namespace st::app::components {

class GatewayComponent final : public Component {
 public:
  // `mode` is what GET / and /api/health show ("embedded", "distributed"). Stores the first
  // admin key when access control needs one. `bus` counts every queue's dead letters for
  // /api/health; `dead_letter_admin` (if any) backs /api/admin/dead-letters and must
  // outlive the component; so must `backup` (the one-process store), behind
  // /api/admin/backup.
  GatewayComponent(const Config& config, std::string mode, services::gateway::Upstreams upstreams,
                   ports::KeyStore& keys, ports::IdempotencyStore& idempotency,
                   ports::EventBus& bus, const ports::Clock& clock,
                   ports::DeadLetterAdmin* dead_letter_admin = nullptr,
                   ports::StoreBackup* backup = nullptr);

  std::string name() const override { return "gateway"; }
  void register_routes(http::Router& router) override;
  // GET /metrics renders the process's registry; refusals, event streams, dead letters.
  void attach_metrics(metrics::Registry& registry) override { gateway_.attach_metrics(registry); }
  // The event streams' counters.
  nlohmann::json health() override { return gateway_.own_health(); }
  // Open and unlimited, through the gateway's access rules; /api/health shows it too.
  void register_health(http::Router& router, const services::ServiceHealth& health) override {
    gateway_.register_health(router, health);
  }
  // The transient gateway queue, whatever the prefetch: it only serves live requests.
  std::vector<Subscription> subscriptions(int prefetch) override;
  // Ends event streams and wakes waiting creates, so the HTTP server has nothing to wait for.
  void close() override { gateway_.close(); }

 private:
  auth::Authenticator authenticator_;
  services::gateway::Gateway gateway_;
};

}  // namespace st::app::components
