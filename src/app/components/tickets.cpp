#include "app/components/tickets.hpp"

#include "services/tickets/tickets_api.hpp"

namespace st::app::components {

TicketsComponent::TicketsComponent(ports::TicketStore& store, ports::Outbox& outbox,
                                   ports::IdempotencyStore& requests, const ports::Clock& clock,
                                   std::chrono::milliseconds search_budget,
                                   std::chrono::milliseconds sla_check_interval)
    : outbox_(outbox),
      requests_(requests, clock),
      service_(store, clock, &languages_),
      search_budget_(search_budget),
      sla_sweeper_(service_, sla_check_interval) {}

void TicketsComponent::register_routes(http::Router& router) {
  services::tickets::register_routes(router, service_, search_budget_, &requests_);
}

}  // namespace st::app::components
