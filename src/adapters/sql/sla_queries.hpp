#pragma once
// The tickets side's SLA tables (migration 11: sla_policies, the clocks' columns on tickets),
// read the same way by both relational adapters. Placeholders are written ?1, ?2...: SQLite
// reads them as they are, the PostgreSQL adapter turns them into $1.
#include <string>
#include <utility>

#include "adapters/sql/row_decoders.hpp"
#include "domain/sla.hpp"

namespace st::adapters::sql {

inline constexpr const char* kSelectSlaPolicies =
    "SELECT priority, first_response_seconds, resolution_seconds, escalation FROM sla_policies";
inline constexpr const char* kUpsertSlaPolicy =
    "INSERT INTO sla_policies (priority, first_response_seconds, resolution_seconds, "
    "escalation) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (priority) DO UPDATE SET "
    "first_response_seconds = excluded.first_response_seconds, "
    "resolution_seconds = excluded.resolution_seconds, escalation = excluded.escalation";

// Tickets with a running clock (the partial indexes of migration 11) that is not paused and
// due at or before ?1, most overdue first, at most ?2.
inline constexpr const char* kOverdueSla =
    "SELECT id FROM (SELECT id, first_response_due AS due FROM tickets WHERE "
    "first_response_at IS NULL AND first_response_breached_at IS NULL AND "
    "first_response_due <= ?1 AND sla_paused_at IS NULL "
    "UNION ALL SELECT id, resolution_due FROM tickets WHERE sla_resolved_at IS NULL AND "
    "resolution_breached_at IS NULL AND resolution_due <= ?1 AND sla_paused_at IS NULL) "
    "AS overdue GROUP BY id ORDER BY min(due) LIMIT ?2";

template <class Row>
std::pair<domain::Priority, domain::SlaPolicy> sla_policy_from_row(const Row& r) {
  const auto priority = domain::parse_priority(r.text(0));
  const auto escalation = domain::parse_escalation(r.text(3));
  if (!priority || !escalation)
    throw CorruptRow("sla_policies: unknown priority or escalation '" + r.text(0) + "'");
  return {*priority, domain::SlaPolicy{r.int64(1), r.int64(2), *escalation}};
}

}  // namespace st::adapters::sql
