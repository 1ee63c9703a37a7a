#pragma once
// The analytics service's tables on PostgreSQL: analytics_events (the event log, JSON
// metadata; its unique event_id is the record of processed events) and analytics_tickets,
// the one-row-per-ticket projection the aggregates read. The projection rules are shared
// with the embedded store (adapters/sql/analytics_projection.hpp, pure code), so both stores
// converge to the same rows.
#include <optional>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "ports/analytics_store.hpp"

namespace st::adapters::postgres {

class PgAnalyticsStore final : public ports::AnalyticsStore {
 public:
  // Migrates the analytics tables (idempotent, safe when several instances start at once).
  // `db` must outlive the store. Throws ports::Unavailable if the server cannot be reached.
  explicit PgAnalyticsStore(Database& db);

  std::vector<bool> record_batch(const std::vector<domain::Event>& events) override;
  ports::Page<ports::AuditEntry> trail(domain::TicketId id,
                                       const ports::PageRequest& page) override;
  ports::TicketAggregate aggregate(const ports::AnalyticsFilter& f) override;
  std::vector<ports::DailyCount> daily_creation(domain::Millis from, domain::Millis to) override;
  std::vector<ports::DecisionTally> decision_tallies(const ports::DecisionFilter& f) override;
  std::vector<ports::SlaAttainment> sla_attainment() override;
  ports::ProjectionRebuild rebuild_projection() override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
