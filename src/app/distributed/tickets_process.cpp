// --target=tickets: the tickets component on PostgreSQL (its tables and outbox); its events
// are relayed to RabbitMQ.
#include "adapters/postgres/ticket_store.hpp"
#include "app/components/tickets.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

struct TicketsTarget : PostgresStore<adapters::postgres::PgTicketStore> {
  TicketsTarget(const Config& c, ports::EventBus& /*bus*/, const ports::Clock& clock)
      : PostgresStore(c), component(*store, *store, clock) {}

  components::TicketsComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_tickets_process(const Config& config) {
  return std::make_unique<ComponentProcess<TicketsTarget>>(config, "tickets");
}

}  // namespace st::app::distributed
