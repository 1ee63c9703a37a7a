#pragma once
// The tickets service's tables in the embedded database: tickets, ticket_comments and
// tickets_outbox.
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "adapters/sql/outbox_port.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/outbox_table.hpp"
#include "ports/ticket_store.hpp"

namespace st::adapters::sqlite {

class SqliteTicketStore final : public ports::TicketStore, public sql::OutboxPort<OutboxTable> {
 public:
  // Migrates the tickets tables (idempotent). `db` must outlive the store.
  explicit SqliteTicketStore(Database& db);

  std::vector<domain::Ticket> create_batch(const std::vector<ports::TicketCreate>& tickets,
                                           domain::Millis now) override;
  std::optional<domain::Ticket> get(domain::TicketId id) override;
  std::optional<ports::TicketView> view(domain::TicketId id) override;
  std::vector<domain::Ticket> list(const ports::TicketQuery& q) override;
  std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) override;
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
  domain::Ticket insert_in(Connection& c, const ports::TicketCreate& create, domain::Millis now,
                           std::size_t& appended);
  std::optional<domain::Ticket> update_in(Connection& c, domain::TicketId id,
                                          const ports::AssigningChange& change,
                                          std::size_t& appended);

  Database& db_;
};

}  // namespace st::adapters::sqlite
