// --target=analytics: appends every ticket.* event to its own event log and keeps the
// per-ticket projection the dashboards read; redeliveries are absorbed by event id.
#include "adapters/postgres/analytics_store.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "app/queues.hpp"
#include "ports/clock.hpp"
#include "services/analytics/analytics_api.hpp"

namespace st::app::distributed {
namespace {

class AnalyticsProcess final : public ProcessBase {
 public:
  explicit AnalyticsProcess(const Config& c)
      : ProcessBase(c, "analytics"),
        db_(make_database(c)),
        store_(open_store<adapters::postgres::PgAnalyticsStore>(*db_)),
        analytics_(*store_, clock_) {
    services::analytics::register_routes(router_, analytics_);
    bus_->subscribe_batch(
        queues::analytics(c.prefetch),
        patient([this](const std::vector<ports::Delivery>& b) { return analytics_.on_events(b); }));
  }
  ~AnalyticsProcess() override { stop(); }

 private:
  ports::SystemClock clock_;
  std::unique_ptr<adapters::postgres::Database> db_;
  std::unique_ptr<adapters::postgres::PgAnalyticsStore> store_;
  services::analytics::AnalyticsService analytics_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_analytics_process(const Config& config) {
  return std::make_unique<AnalyticsProcess>(config);
}

}  // namespace st::app::distributed
