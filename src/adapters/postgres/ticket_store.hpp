#pragma once
// The tickets service's tables on PostgreSQL: tickets and tickets_outbox.
#include <cstddef>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/outbox_table.hpp"
#include "ports/outbox.hpp"
#include "ports/ticket_store.hpp"

namespace st::adapters::postgres {

class PgTicketStore final : public ports::TicketStore, public ports::Outbox {
 public:
  // Migrates the tickets tables (idempotent, safe when several instances start at once).
  // `db` must outlive the store. Throws ports::Unavailable if the server cannot be reached.
  explicit PgTicketStore(Database& db);

  domain::Ticket create(const domain::NewTicket& t, domain::Millis now,
                        const ports::EventsFor& events) override;
  std::vector<domain::Ticket> create_batch(
      const std::vector<std::pair<domain::NewTicket, ports::EventsFor>>& tickets,
      domain::Millis now) override;
  std::optional<domain::Ticket> get(domain::TicketId id) override;
  std::vector<domain::Ticket> list(const ports::TicketQuery& q) override;
  std::optional<domain::Ticket> update(domain::TicketId id,
                                       const ports::TicketChange& change) override;
  std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) override;

  std::size_t relay(std::size_t max, const ports::PublishBatch& publish) override;
  void set_listener(std::function<void()> on_append) override;

 private:
  Database& db_;
  OutboxTable outbox_;
};

}  // namespace st::adapters::postgres
