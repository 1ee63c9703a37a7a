#pragma once
// Rebuilding the analytics projection (analytics_tickets) from the event log
// (analytics_events), the same way for every store.
//
// The projection is a fold of each ticket's events through apply_event(), which gives the
// same row whatever the order and however often an event is applied. Every recorded event
// therefore keeps, beside its payload (the metadata column), the few ticket fields the fold
// reads (`snapshot`): enough to apply it again later. Events recorded before snapshots
// existed cannot be replayed; a ticket with such an event keeps its current row.
//
// A rebuild (the stores' rebuild_projection):
//  1. folds the log ticket by ticket, in batches, into analytics_tickets_next while events
//     keep being recorded into the live projection (nothing waits for it);
//  2. in one write transaction, with recording held off: folds again the tickets whose log
//     grew meanwhile (their event counts differ from what was folded), keeps the rows of
//     tickets with unreplayable events, and replaces analytics_tickets with the result.
// The decisions projection (analytics_decisions, decision_projection.hpp) is folded in the
// same pass into analytics_decisions_next and replaced in the same transaction.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/sql/analytics_projection.hpp"
#include "adapters/sql/decision_projection.hpp"
#include "domain/event.hpp"

namespace st::adapters::sql {

// Tickets folded per batch of phase 1.
inline constexpr int kRebuildTicketsPerBatch = 500;

// What an event's `snapshot` column holds: the ticket fields apply_event() reads.
nlohmann::json projection_snapshot(const domain::Ticket& t);

// One analytics_events row, as the rebuild reads it.
struct StoredEvent {
  domain::TicketId ticket_id = 0;
  std::string event_type;  // its routing key
  std::string event_id;
  domain::Millis occurred_at = 0;
  std::string metadata;                 // JSON text
  std::optional<std::string> snapshot;  // JSON text; null when recorded before snapshots
};

// The event a row stands for, as far as the projection is concerned; nullopt when the row
// cannot be replayed (no snapshot, or a type or payload this version cannot read).
std::optional<domain::Event> replayable_event(const StoredEvent& row);

// Folds rows given in log order (ticket by ticket, each ticket's in recording order).
class ProjectionFold {
 public:
  void add(const StoredEvent& row);
  // Rows of the tickets whose every event could be replayed.
  std::vector<ProjectedTicket> rows() const;
  // Their analytics_decisions rows (tickets with a routing decision or a verdict).
  std::vector<DecisionRow> decision_rows() const;
  // Events seen per ticket (replayable or not): what phase 2 compares with the log.
  const std::map<domain::TicketId, std::int64_t>& counts() const { return counts_; }
  std::int64_t events() const { return events_; }

 private:
  std::map<domain::TicketId, std::optional<ProjectedTicket>> rows_;
  std::map<domain::TicketId, DecisionRow> decisions_;
  std::set<domain::TicketId> unreplayable_;
  std::map<domain::TicketId, std::int64_t> counts_;
  std::int64_t events_ = 0;
};

// The tickets phase 2 must fold again: those whose count in the log now differs from the
// count phase 1 folded (or that phase 1 never saw).
std::vector<domain::TicketId> grown_tickets(
    const std::map<domain::TicketId, std::int64_t>& folded,
    const std::vector<std::pair<domain::TicketId, std::int64_t>>& now);

}  // namespace st::adapters::sql
