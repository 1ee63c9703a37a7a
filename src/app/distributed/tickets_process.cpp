// --target=tickets: the tickets component on PostgreSQL (its tables and outbox); its events
// are relayed to RabbitMQ.
#include "adapters/postgres/ticket_store.hpp"
#include "app/components/tickets.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

struct TicketsTarget {
  TicketsTarget(const Config& c, ports::EventBus& /*bus*/, const ports::Clock& clock)
      : db(make_database(c)),
        store(open_store<adapters::postgres::PgTicketStore>(*db)),
        component(*store, *store, clock) {}

  std::unique_ptr<adapters::postgres::Database> db;
  std::unique_ptr<adapters::postgres::PgTicketStore> store;
  components::TicketsComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_tickets_process(const Config& config) {
  return std::make_unique<ComponentProcess<TicketsTarget>>(config, "tickets");
}

}  // namespace st::app::distributed
