#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "domain/assignment.hpp"
#include "domain/explanation.hpp"
#include "domain/priority.hpp"
#include "domain/sla.hpp"
#include "domain/status.hpp"
#include "domain/ticket_id.hpp"
#include "domain/time.hpp"

namespace st::domain {

// What a requester submits; produced only by validate_new_ticket (trimmed, checked).
struct NewTicket {
  std::string title;
  std::string description;
  std::string user_name;
  std::string user_email;
  // Set by the tickets service, not the requester: the language detected in the text. The
  // initializer lets a NewTicket be braced from the four fields above (no warning).
  std::optional<std::string> language{};
  // Set by the tickets service too: the due times of its SLA clocks (domain/sla.hpp).
  std::optional<Millis> first_response_due{};
  std::optional<Millis> resolution_due{};
};

struct Ticket {
  TicketId id = 0;
  std::string title;
  std::string description;
  std::string user_name;
  std::string user_email;
  // ISO 639-1, detected when the ticket is created; unset when it could not be told.
  std::optional<std::string> language;
  // Unset until the pipeline (or an agent) routes the ticket.
  std::optional<std::string> department;
  std::optional<int> confidence_score;
  std::optional<CategorizedBy> categorized_by;
  Status status = Status::pending;
  Millis created_at = 0;
  Millis updated_at = 0;
  // Set with the department by the pipeline; an agent may change it.
  Priority priority = Priority::normal;
  // Why it is in its department: set with the department (by the pipeline or an agent);
  // unset before, and for tickets routed before explanations existed. Not part of the
  // ticket's JSON (to_json): the tickets API adds it for agents and admins.
  std::optional<Explanation> explanation;
  // Routed below its department's review threshold (or on a disputed decision): an agent's
  // POST /api/tickets/{id}/review confirms or corrects the department and clears it.
  bool needs_review = false;
  // The agent who works it (domain/assignment.hpp); unset: nobody yet.
  std::optional<Assignee> assignee;
  // Its SLA clocks (domain/sla.hpp); no due times for a ticket stored before they existed.
  SlaClocks sla;

  bool operator==(const Ticket&) const = default;
};

}  // namespace st::domain
