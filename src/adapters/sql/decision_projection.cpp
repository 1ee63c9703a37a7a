#include "adapters/sql/decision_projection.hpp"

#include <tuple>

#include "domain/codec.hpp"

namespace st::adapters::sql {
namespace {

using domain::CategorizedBy;
using domain::Event;
namespace payload = domain::payload;

// The department a person chose, if `e` is a person's word on where the ticket belongs.
std::optional<std::string> verdict_of(const Event& e) {
  if (const auto* p = e.payload_as<payload::Reviewed>()) return p->department;
  if (const auto* p = e.payload_as<payload::Routed>())
    if (p->rerouted || p->categorized_by == CategorizedBy::manual) return p->department;
  if (const auto* p = e.payload_as<payload::DepartmentUpdated>())
    if (p->categorized_by == CategorizedBy::manual) return p->department;
  return std::nullopt;
}

const payload::Routed* automatic_decision(const Event& e) {
  const auto* p = e.payload_as<payload::Routed>();
  if (!p || p->rerouted || p->categorized_by == CategorizedBy::manual) return nullptr;
  return p;
}

}  // namespace

bool concerns_decisions(const Event& e) {
  return automatic_decision(e) || verdict_of(e);
}

std::optional<DecisionRow> apply_decision_event(const std::optional<DecisionRow>& current,
                                                const Event& e) {
  const auto* decision = automatic_decision(e);
  auto verdict = verdict_of(e);
  if (!decision && !verdict) return current;
  DecisionRow row = current.value_or(DecisionRow{});
  row.ticket_id = e.ticket.id;
  if (decision) {
    const auto candidate =
        std::tuple(e.occurred_at, decision->department, decision->confidence_score);
    if (!row.decided_at ||
        candidate < std::tuple(*row.decided_at, *row.department, *row.confidence_score)) {
      row.decided_by = std::string(domain::to_string(decision->categorized_by));
      row.department = decision->department;
      row.confidence_score = decision->confidence_score;
      row.decided_at = e.occurred_at;
    }
  }
  if (verdict) {
    if (!row.verdict_at ||
        std::tie(e.occurred_at, *verdict) > std::tie(*row.verdict_at, *row.verdict_department)) {
      row.verdict_department = std::move(verdict);
      row.verdict_at = e.occurred_at;
    }
  }
  return row;
}

std::string decision_tally_query(const std::string& where) {
  return "SELECT decided_by, department, confidence_score, count(*), count(verdict_department), "
         "sum(CASE WHEN verdict_department <> department THEN 1 ELSE 0 END) "
         "FROM analytics_decisions WHERE decided_by IS NOT NULL AND department IS NOT NULL AND "
         "confidence_score IS NOT NULL" +
         where + " GROUP BY decided_by, department, confidence_score";
}

}  // namespace st::adapters::sql
