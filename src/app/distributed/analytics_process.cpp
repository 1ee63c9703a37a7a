// --target=analytics: the analytics component on PostgreSQL (its event log and the
// projection the dashboards read).
#include "adapters/postgres/analytics_store.hpp"
#include "app/components/analytics.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

struct AnalyticsTarget : PostgresStore<adapters::postgres::PgAnalyticsStore> {
  AnalyticsTarget(const Config& c, ports::EventBus& /*bus*/, const ports::Clock& clock)
      : PostgresStore(c), component(*store, clock) {}

  components::AnalyticsComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_analytics_process(const Config& config) {
  return std::make_unique<ComponentProcess<AnalyticsTarget>>(config, "analytics");
}

}  // namespace st::app::distributed
