// --target=routing: the routing component on PostgreSQL (departments, the routing history
// and its outbox), reaching the tickets service over HTTP.
#include "adapters/postgres/idempotency_store.hpp"
#include "adapters/postgres/routing_store.hpp"
#include "adapters/remote/department_setter_client.hpp"
#include "app/components/routing.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

struct RoutingTarget : PostgresStore<adapters::postgres::PgRoutingStore> {
  RoutingTarget(const Config& c, ports::EventBus& /*bus*/, const ports::Clock& clock)
      : PostgresStore(c),
        tickets(c, "tickets", c.tickets_url),
        requests(open_store<adapters::postgres::PgIdempotencyStore>(*db)),
        component(*store, *store, tickets.adapter, *requests, clock, c.review_below_confidence) {}

  RemoteService<adapters::remote::DepartmentSetterClient> tickets;
  // The answers to the gateway's calls, kept so that its retry records nothing twice.
  std::unique_ptr<adapters::postgres::PgIdempotencyStore> requests;
  components::RoutingComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_routing_process(const Config& config) {
  return std::make_unique<ComponentProcess<RoutingTarget>>(config, "routing");
}

}  // namespace st::app::distributed
