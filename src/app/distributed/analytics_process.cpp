// --target=analytics: the analytics component on PostgreSQL (its event log and the
// projection the dashboards read), and beside it the webhooks (they consume every event too;
// the gateway forwards /api/webhooks here).
#include "adapters/curl/curl_webhook_transport.hpp"
#include "adapters/postgres/analytics_store.hpp"
#include "adapters/postgres/webhook_store.hpp"
#include "app/components/analytics.hpp"
#include "app/components/webhooks.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

struct AnalyticsTarget : PostgresStore<adapters::postgres::PgAnalyticsStore> {
  AnalyticsTarget(const Config& c, ports::EventBus& /*bus*/, const ports::Clock& clock)
      : PostgresStore(c),
        component(*store, clock),
        webhook_store(open_store<adapters::postgres::PgWebhookStore>(*db)),
        webhooks(c, *webhook_store, webhook_transport, clock) {}

  std::vector<components::Component*> guests() { return {&webhooks}; }

  components::AnalyticsComponent component;
  std::unique_ptr<adapters::postgres::PgWebhookStore> webhook_store;
  adapters::curl::CurlWebhookTransport webhook_transport;
  components::WebhooksComponent webhooks;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_analytics_process(const Config& config) {
  return std::make_unique<ComponentProcess<AnalyticsTarget>>(config, "analytics");
}

}  // namespace st::app::distributed
