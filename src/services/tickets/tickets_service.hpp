#pragma once
// The tickets service: owns the tickets table, the ticket lifecycle and the events
// ticket.created / ticket.status.updated / ticket.department.updated (through its outbox).
#include <optional>
#include <string>
#include <vector>

#include "domain/ticket.hpp"
#include "ports/clock.hpp"
#include "ports/service_clients.hpp"
#include "ports/ticket_store.hpp"

namespace st::services::tickets {

struct TicketPage {
  std::vector<domain::Ticket> tickets;
  std::optional<domain::TicketId> next_before_id;  // set when another page follows
};

class TicketsService final : public ports::TicketAssigner {
 public:
  TicketsService(ports::TicketStore& store, const ports::Clock& clock);

  domain::Ticket create(const domain::NewTicket& t, const std::string& trace_id);
  std::optional<domain::Ticket> get(domain::TicketId id);
  TicketPage list(const ports::TicketQuery& q);
  // nullopt if there is no such ticket. Setting the current status again changes nothing.
  std::optional<domain::Ticket> update_status(domain::TicketId id, domain::Status status,
                                              const std::string& trace_id);

  std::optional<domain::Ticket> assign_department(domain::TicketId id,
                                                  const std::string& department, int confidence,
                                                  domain::CategorizedBy by,
                                                  const std::string& trace_id) override;
  std::vector<std::optional<domain::Ticket>> assign_departments(
      const std::vector<Assignment>& batch) override;

 private:
  ports::TicketChange assignment_change(const Assignment& a, domain::Millis now) const;

  ports::TicketStore& store_;
  const ports::Clock& clock_;
};

}  // namespace st::services::tickets
