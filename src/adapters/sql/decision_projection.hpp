#pragma once
// The analytics store's second projection, analytics_decisions: per ticket, the automatic
// routing decision (which strategy, where to, how sure) and the latest verdict a person gave on
// where the ticket belongs. GET /api/analytics/quality counts it: a decision with a verdict
// was reviewed, and corrected when the verdict names another department.
//
// Pure, and like apply_event() (analytics_projection.hpp) indifferent to arrival order and
// repeats, so the live rows and a rebuild from the log agree:
//  - the decision is the earliest ticket.routed made by a strategy (claude, model, keywords;
//    not an agent's routing, not a reroute), ties broken by department then confidence;
//  - the verdict is the latest (by occurred_at; ties: the greater department name) of a
//    ticket.reviewed (the department the reviewer chose, confirmed or not), a ticket.routed
//    that is an agent's (rerouted, or categorized_by manual), and a ticket.department.updated
//    made by hand. A review sends all three, naming the same department.
#include <optional>
#include <string>

#include "domain/event.hpp"

// The columns of analytics_decisions (and analytics_decisions_next), in decision_from_row()'s
// order, and how a row is written over the one there.
#define ST_DECISION_COLUMNS                                                               \
  "ticket_id, decided_by, department, confidence_score, decided_at, verdict_department, " \
  "verdict_at"
#define ST_DECISION_UPSERT                                                               \
  " ON CONFLICT (ticket_id) DO UPDATE SET decided_by = excluded.decided_by, "            \
  "department = excluded.department, confidence_score = excluded.confidence_score, "     \
  "decided_at = excluded.decided_at, verdict_department = excluded.verdict_department, " \
  "verdict_at = excluded.verdict_at"

namespace st::adapters::sql {

struct DecisionRow {
  domain::TicketId ticket_id = 0;
  std::optional<std::string> decided_by;  // claude | model | keywords; unset: none seen yet
  std::optional<std::string> department;
  std::optional<int> confidence_score;
  std::optional<domain::Millis> decided_at;
  std::optional<std::string> verdict_department;  // unset: nobody has looked
  std::optional<domain::Millis> verdict_at;

  bool operator==(const DecisionRow&) const = default;
};

// Whether `e` can change a ticket's DecisionRow (a routing, a reroute or a review).
bool concerns_decisions(const domain::Event& e);

// The row after `e`; nullopt when `e` does not concern decisions and there is no row.
std::optional<DecisionRow> apply_decision_event(const std::optional<DecisionRow>& current,
                                                const domain::Event& e);

// Reads the ST_DECISION_COLUMNS of a row (sql/row_decoders.hpp's Row concept).
template <class Row>
DecisionRow decision_from_row(const Row& r) {
  return {.ticket_id = r.int64(0),
          .decided_by = r.opt_text(1),
          .department = r.opt_text(2),
          .confidence_score = r.opt_int32(3),
          .decided_at = r.opt_int64(4),
          .verdict_department = r.opt_text(5),
          .verdict_at = r.opt_int64(6)};
}

// The store's decision_tallies() statement: decided_by, department, confidence_score,
// decisions, reviewed, corrected per group, over the rows `where` (" AND ..." conditions in
// the store's own placeholders; may be empty) selects. The same SQL on both stores; it groups
// in the order of the analytics_decisions_by_strategy index, which covers it.
std::string decision_tally_query(const std::string& where);

}  // namespace st::adapters::sql
