#include "app/components/webhooks.hpp"

#include "app/queues.hpp"
#include "metrics/registry.hpp"
#include "services/webhooks/webhooks_api.hpp"

namespace st::app::components {

namespace {

services::webhooks::WebhookSettings webhook_settings(const Config& c) {
  using std::chrono::milliseconds;
  return {.allow_private = c.webhook_allow_private,
          .timeout = milliseconds(c.webhook_timeout_ms),
          .max_attempts = c.webhook_max_attempts,
          .retry_base = milliseconds(c.webhook_retry_base_ms)};
}

}  // namespace

WebhooksComponent::WebhooksComponent(const Config& config, ports::WebhookStore& store,
                                     ports::WebhookTransport& transport, const ports::Clock& clock)
    : service_(store, transport, clock, webhook_settings(config)), worker_(service_, {}) {}

void WebhooksComponent::register_routes(http::Router& router) {
  services::webhooks::register_routes(router, service_, dns_);
}

void WebhooksComponent::attach_metrics(metrics::Registry& registry) {
  auto& failed = registry.gauge("smartticket_webhook_deliveries_failed",
                                "Webhook deliveries kept as failed after their last attempt");
  registry.add_collector([this, &failed] {
    try {
      failed.set(double(service_.store().failed_count()));
    } catch (const std::exception&) {
      // The database is down: the gauge keeps its last value.
    }
  });
}

std::vector<Subscription> WebhooksComponent::subscriptions(int prefetch) {
  return {{queues::webhooks(prefetch), [this](const std::vector<ports::Delivery>& batch) {
             return service_.on_events(batch);
           }}};
}

}  // namespace st::app::components
