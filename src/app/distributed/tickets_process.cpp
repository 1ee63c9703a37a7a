// --target=tickets: owns the tickets tables and the ticket lifecycle; every change and its
// event are written in one PostgreSQL transaction (the outbox) and relayed to RabbitMQ.
// Routing assigns departments through its internal endpoint.
#include "adapters/postgres/ticket_store.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "ports/clock.hpp"
#include "services/tickets/tickets_api.hpp"

namespace st::app::distributed {
namespace {

class TicketsProcess final : public ProcessBase {
 public:
  explicit TicketsProcess(const Config& c)
      : ProcessBase(c, "tickets"),
        db_(make_database(c)),
        store_(open_store<adapters::postgres::PgTicketStore>(*db_)),
        tickets_(*store_, clock_) {
    services::tickets::register_routes(router_, tickets_);
    relay(*store_);
  }
  ~TicketsProcess() override { stop(); }

 protected:
  void before_bus_stop() override { tickets_.stop(); }

 private:
  ports::SystemClock clock_;
  std::unique_ptr<adapters::postgres::Database> db_;
  std::unique_ptr<adapters::postgres::PgTicketStore> store_;
  services::tickets::TicketsService tickets_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_tickets_process(const Config& config) {
  return std::make_unique<TicketsProcess>(config);
}

}  // namespace st::app::distributed
