#include "app/components/tickets.hpp"

#include "services/tickets/tickets_api.hpp"

namespace st::app::components {

TicketsComponent::TicketsComponent(ports::TicketStore& store, ports::Outbox& outbox,
                                   ports::IdempotencyStore& requests, const ports::Clock& clock)
    : outbox_(outbox), requests_(requests, clock), service_(store, clock) {}

void TicketsComponent::register_routes(http::Router& router) {
  services::tickets::register_routes(router, service_, &requests_);
}

}  // namespace st::app::components
