// --target=tickets: the tickets component on PostgreSQL (its tables and outbox); its events
// are relayed to RabbitMQ.
#include "adapters/postgres/idempotency_store.hpp"
#include "adapters/postgres/ticket_store.hpp"
#include "app/components/tickets.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

struct TicketsTarget : PostgresStore<adapters::postgres::PgTicketStore> {
  TicketsTarget(const Config& c, ports::EventBus& /*bus*/, const ports::Clock& clock)
      : PostgresStore(c),
        requests(open_store<adapters::postgres::PgIdempotencyStore>(*db)),
        component(*store, *store, *requests, clock, std::chrono::milliseconds(c.search_timeout_ms),
                  std::chrono::milliseconds(c.sla_check_interval_ms)) {}

  // The answers to the gateway's calls, kept so that its retry records nothing twice.
  std::unique_ptr<adapters::postgres::PgIdempotencyStore> requests;
  components::TicketsComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_tickets_process(const Config& config) {
  return std::make_unique<ComponentProcess<TicketsTarget>>(config, "tickets");
}

}  // namespace st::app::distributed
