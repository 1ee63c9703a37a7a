#pragma once
// The analytics service's tables in the embedded database: analytics_events (the event log,
// JSON metadata) and analytics_tickets, a one-row-per-ticket projection the aggregates read.
#include <mutex>
#include <optional>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "ports/analytics_store.hpp"

namespace st::adapters::sqlite {

class SqliteAnalyticsStore final : public ports::AnalyticsStore {
 public:
  // Migrates the analytics tables (idempotent). `db` must outlive the store.
  explicit SqliteAnalyticsStore(Database& db);

  std::vector<bool> record_batch(const std::vector<domain::Event>& events) override;
  ports::Page<ports::AuditEntry> trail(domain::TicketId id,
                                       const ports::PageRequest& page) override;
  ports::TicketAggregate aggregate(const ports::AnalyticsFilter& f) override;
  std::vector<ports::DailyCount> daily_creation(domain::Millis from, domain::Millis to) override;
  std::vector<ports::DecisionTally> decision_tallies(const ports::DecisionFilter& f) override;
  std::vector<ports::SlaAttainment> sla_attainment() override;
  ports::ProjectionRebuild rebuild_projection() override;

 private:
  bool record_in(Connection& c, const domain::Event& e);

  Database& db_;
  std::mutex rebuild_mutex_;
};

}  // namespace st::adapters::sqlite
