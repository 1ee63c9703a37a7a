#pragma once
// The tickets service's tables on PostgreSQL: tickets, ticket_comments and tickets_outbox.
#include <cstddef>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/outbox_table.hpp"
#include "adapters/sql/outbox_port.hpp"
#include "ports/ticket_store.hpp"

namespace st::adapters::postgres {

class PgTicketStore final : public ports::TicketStore, public sql::OutboxPort<OutboxTable> {
 public:
  // Migrates the tickets tables (idempotent, safe when several instances start at once).
  // `db` must outlive the store. Throws ports::Unavailable if the server cannot be reached.
  explicit PgTicketStore(Database& db);

  std::vector<domain::Ticket> create_batch(const std::vector<ports::TicketCreate>& tickets,
                                           domain::Millis now) override;
  std::optional<domain::Ticket> get(domain::TicketId id) override;
  std::optional<ports::TicketView> view(domain::TicketId id) override;
  std::vector<domain::Ticket> list(const ports::TicketQuery& q) override;
  std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) override;
  // Assignments in one department take turns on its department_assignment row (FOR UPDATE).
  std::vector<std::optional<domain::Ticket>> update_batch_assigning(
      const std::vector<std::pair<domain::TicketId, ports::AssigningChange>>& changes) override;
  std::optional<domain::Comment> add_comment(domain::TicketId id, const domain::NewComment& comment,
                                             const domain::Actor& author, domain::Millis now,
                                             const ports::CommentEvents& events) override;
  ports::Page<domain::Comment> comments(domain::TicketId id, bool public_only,
                                        const ports::PageRequest& page) override;
  void put_agent(const ports::AgentRecord& agent) override;
  std::optional<domain::Assignee> find_agent(std::string_view id) override;
  void set_assignment_mode(const std::string& department, domain::AssignmentMode mode) override;
  std::map<std::string, domain::AssignmentMode> assignment_modes() override;
  std::vector<domain::TicketId> open_tickets_of(std::string_view agent_id) override;
  std::map<domain::Priority, domain::SlaPolicy> sla_policies() override;
  void put_sla_policies(const std::map<domain::Priority, domain::SlaPolicy>& policies) override;
  std::vector<domain::TicketId> overdue_sla(domain::Millis now, int limit) override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
