#pragma once
// One-item writes for tests: the stores' ports take batches only (one ticket, one change,
// one event is a batch of one), and many tests write one thing at a time.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ports/analytics_store.hpp"
#include "ports/routing_store.hpp"
#include "ports/ticket_store.hpp"

namespace st::test_support {

inline domain::Ticket create_one(ports::TicketStore& store, const domain::NewTicket& ticket,
                                 domain::Millis now, const ports::EventsFor& events) {
  return store.create_batch({{ticket, events}}, now).at(0);
}

inline std::optional<domain::Ticket> update_one(ports::TicketStore& store, domain::TicketId id,
                                                const ports::TicketChange& change) {
  return store.update_batch({{id, change}}).at(0);
}

inline bool record_one(ports::AnalyticsStore& store, const domain::Event& event) {
  return store.record_batch({event}).at(0);
}

inline std::optional<ports::RoutingRecord> record_one_routing(
    ports::RoutingStore& store, const ports::RoutingRecord& record,
    const std::optional<std::string>& cause_event_id,
    const std::function<std::vector<domain::Event>(const ports::RoutingRecord&)>& events) {
  return store.record_routings({{record, cause_event_id, events}}).at(0);
}

}  // namespace st::test_support
