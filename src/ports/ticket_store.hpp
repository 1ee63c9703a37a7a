#pragma once
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/event.hpp"
#include "domain/ticket.hpp"

namespace st::ports {

struct TicketQuery {
  std::optional<domain::Status> status;
  std::optional<std::string> department;  // exact name
  std::optional<std::string> text;        // case-insensitive substring of title or description
  std::optional<std::string> user_email;  // the requester, ignoring case (a requester's own list)
  int limit = 50;
  std::optional<domain::TicketId> before_id;  // keyset paging: newest first, ids below this
};

// Events a write wants emitted; written to the service's outbox in the same transaction.
using EventsFor = std::function<std::vector<domain::Event>(const domain::Ticket&)>;
using TicketChange = std::function<std::vector<domain::Event>(domain::Ticket&)>;

// The tickets service's own tables (tickets + its outbox).
class TicketStore {
 public:
  virtual ~TicketStore() = default;
  // Inserts the ticket (id assigned here) and the events built from it, atomically.
  virtual domain::Ticket create(const domain::NewTicket& t, domain::Millis now,
                                const EventsFor& events) = 0;
  // create() for several tickets in one transaction (all or nothing), ids in order.
  virtual std::vector<domain::Ticket> create_batch(
      const std::vector<std::pair<domain::NewTicket, EventsFor>>& tickets, domain::Millis now) {
    std::vector<domain::Ticket> out;
    for (const auto& [t, events] : tickets) out.push_back(create(t, now, events));
    return out;
  }
  virtual std::optional<domain::Ticket> get(domain::TicketId id) = 0;
  virtual std::vector<domain::Ticket> list(const TicketQuery& q) = 0;
  // Read-modify-write in one transaction: `change` edits the ticket and returns the events
  // to emit. The ticket is written if `change` modified it (compare with operator==), the
  // events if there are any; if neither, nothing is written. nullopt if no such id.
  virtual std::optional<domain::Ticket> update(domain::TicketId id, const TicketChange& change) = 0;
  // update() for several tickets in one transaction (all or nothing); one result each.
  virtual std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, TicketChange>>& changes) {
    std::vector<std::optional<domain::Ticket>> out;
    for (const auto& [id, change] : changes) out.push_back(update(id, change));
    return out;
  }
};

}  // namespace st::ports
