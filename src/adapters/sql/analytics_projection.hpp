#pragma once
// How one event changes a ticket's row in the analytics projection (analytics_tickets).
// Pure: the store reads the row, applies the event, writes the row back, all in one write
// transaction.
//
// Events arrive at least once and in any order, so every field is taken from the newest
// source and applying the same event twice changes nothing:
//  - status (and resolved_at, priority): from the ticket snapshot every event carries; the snapshot
//    with the latest (ticket.updated_at, occurred_at) wins, so a stale snapshot (a late
//    ticket.created, a routing event built before a status change) never rolls it back;
//  - department, confidence, categorized_by: from routed / department_updated events (their
//    payload), the latest occurred_at winning; any other snapshot that
//    shows a department newer than the one stored also updates it, so the row repairs
//    itself if a routing event never arrives;
//  - routed_at: the earliest routing event's time (time-to-route = routed_at - created_at);
//  - created_at: from the snapshot (ticket.created is authoritative), so an event that
//    arrives before ticket.created still yields a complete row.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/event.hpp"

namespace st::adapters::sql {

struct ProjectedTicket {
  domain::TicketId ticket_id = 0;
  std::optional<std::string> department;
  std::optional<std::string> status;
  std::optional<int> confidence_score;
  std::optional<std::string> categorized_by;
  domain::Millis created_at = 0;
  std::optional<domain::Millis> routed_at;
  std::optional<domain::Millis> resolved_at;
  // Ordering keys of the values above (see the header comment).
  std::optional<domain::Millis> status_version;   // ticket.updated_at of the status source
  std::optional<domain::Millis> status_event_at;  // its occurred_at, breaks ties
  std::optional<domain::Millis> department_version;
  // From the newest snapshot, with status (its ordering keys are status_version/_event_at).
  std::string priority = "normal";

  bool operator==(const ProjectedTicket&) const = default;
};

ProjectedTicket apply_event(const std::optional<ProjectedTicket>& current, const domain::Event& e);

// What an event says about the ticket's department/confidence: its payload first (a
// categorization or routing names them there), then its ticket snapshot.
std::optional<std::string> event_department(const domain::Event& e);
std::optional<int> event_confidence(const domain::Event& e);

// The audit-trail metadata stored with an event: its payload's wire form (`data`), plus
// categorized_by, trace_id, event_id, and the previous status / department (from the
// projection row before the event) when the producer did not include them.
nlohmann::json event_metadata(const domain::Event& e, const std::optional<ProjectedTicket>& before);

}  // namespace st::adapters::sql
