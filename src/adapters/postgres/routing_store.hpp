#pragma once
// The routing service's tables on PostgreSQL: departments, ticket_routing and
// routing_outbox.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/outbox_table.hpp"
#include "adapters/sql/outbox_port.hpp"
#include "ports/routing_store.hpp"

namespace st::adapters::postgres {

class PgRoutingStore final : public ports::RoutingStore, public sql::OutboxPort<OutboxTable> {
 public:
  // Migrates the routing tables (idempotent, safe when several instances start at once).
  // `db` must outlive the store. Throws ports::Unavailable if the server cannot be reached.
  explicit PgRoutingStore(Database& db);

  std::vector<domain::Department> list_departments(bool include_inactive) override;
  std::optional<domain::Department> find_department(std::string_view name) override;
  std::optional<domain::Department> add_department(const std::string& name,
                                                   const std::string& description,
                                                   domain::Millis now) override;
  std::optional<domain::Department> update_department(
      std::string_view name, const std::optional<std::string>& description,
      const std::optional<bool>& is_active) override;
  std::optional<domain::Department> set_review_threshold(
      std::string_view name, std::optional<int> review_below_confidence) override;
  void ensure_default_departments(domain::Millis now) override;

  std::vector<std::optional<ports::RoutingRecord>> record_routings(
      const std::vector<RoutingWrite>& writes) override;
  ports::Page<ports::RoutingRecord> history(domain::TicketId ticket_id,
                                            const ports::PageRequest& page) override;
  ports::RoutingStatistics statistics() override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
