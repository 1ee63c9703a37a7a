// --target=routing: owns departments and the routing history; consumes ticket.categorized,
// records the decision with its ticket.routed event in one transaction, and tells the
// tickets service the department over HTTP (an idempotent call, retried while it is down).
#include "adapters/postgres/routing_store.hpp"
#include "adapters/remote/ticket_assigner_client.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "app/queues.hpp"
#include "ports/clock.hpp"
#include "services/routing/routing_api.hpp"

namespace st::app::distributed {
namespace {

class RoutingProcess final : public ProcessBase {
 public:
  explicit RoutingProcess(const Config& c)
      : ProcessBase(c, "routing"),
        db_(make_database(c)),
        store_(open_store<adapters::postgres::PgRoutingStore>(*db_)),
        tickets_client_(make_client(c, "tickets", c.tickets_url)),
        tickets_(*tickets_client_),
        routing_(*store_, tickets_, clock_) {
    routing_.initialize();
    services::routing::register_routes(router_, routing_);
    bus_->subscribe_batch(queues::routing(c.prefetch),
                          patient([this](const std::vector<ports::Delivery>& b) {
                            return routing_.on_categorized(b);
                          }));
    relay(*store_);
  }
  ~RoutingProcess() override { stop(); }

 private:
  ports::SystemClock clock_;
  std::unique_ptr<adapters::postgres::Database> db_;
  std::unique_ptr<adapters::postgres::PgRoutingStore> store_;
  std::unique_ptr<http::HttpClient> tickets_client_;
  adapters::remote::TicketAssignerClient tickets_;
  services::routing::RoutingService routing_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_routing_process(const Config& config) {
  return std::make_unique<RoutingProcess>(config);
}

}  // namespace st::app::distributed
