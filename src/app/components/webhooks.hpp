#pragma once
// Signed webhooks: consumes every ticket.* event on its own queue, records one delivery per
// subscribed webhook with the event's id (in one transaction), and sends them from its own
// delivery threads. It shares the analytics service's router and process (both consume every
// event): the gateway forwards /api/webhooks there, and the analytics component answers
// that router's /health.
#include "app/components/component.hpp"
#include "app/config.hpp"
#include "http/blocking_pool.hpp"
#include "ports/clock.hpp"
#include "ports/webhook_store.hpp"
#include "ports/webhook_transport.hpp"
#include "services/webhooks/delivery_worker.hpp"
#include "services/webhooks/webhooks_service.hpp"

namespace st::app::components {

class WebhooksComponent final : public Component {
 public:
  // The webhook_* settings of `config`.
  WebhooksComponent(const Config& config, ports::WebhookStore& store,
                    ports::WebhookTransport& transport, const ports::Clock& clock);

  std::string name() const override { return "webhooks"; }
  void register_routes(http::Router& router) override;
  // smartticket_webhook_deliveries_failed: deliveries given up on, read at each scrape (the
  // dead-letter figures count the queues' messages, not these).
  void attach_metrics(metrics::Registry& registry) override;
  std::vector<Subscription> subscriptions(int prefetch) override;
  // Its router is the analytics component's, which serves /health there.
  void register_health(http::Router&, const services::ServiceHealth&) override {}
  void start() override { worker_.start(); }
  // Attempts in flight finish (each within the timeout); what is pending waits for the next
  // start, in the store.
  void close() override { worker_.stop(); }
  void drain() override { dns_.stop(); }

 private:
  services::webhooks::WebhooksService service_;
  services::webhooks::DeliveryWorker worker_;
  // Creates and updates resolve the URL's host.
  http::BlockingPool dns_{{.name = "webhook-dns", .threads = 2, .queue = 16}};
};

}  // namespace st::app::components
