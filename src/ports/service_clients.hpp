#pragma once
// What one service needs from another. In one process these are the other service's
// objects; in distributed mode, HTTP clients. Services see only these interfaces.
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.hpp"
#include "domain/ticket.hpp"

namespace st::ports {

// Routing → tickets: set the department a ticket belongs to ("assignment" is kept for people:
// who works on a ticket).
class DepartmentSetter {
 public:
  virtual ~DepartmentSetter() = default;
  struct Decision {
    domain::TicketId id = 0;
    std::string department;
    int confidence = 0;
    domain::CategorizedBy by = domain::CategorizedBy::keywords;
    std::string trace_id;
    domain::Actor actor;  // an agent's reroute; the pipeline (system) otherwise
    // The pipeline's priority estimate; unset (an agent's reroute) keeps the ticket's.
    std::optional<domain::Priority> priority = std::nullopt;
    // Why this department; unset (a routing instance older than explanations) keeps the
    // ticket's.
    std::optional<domain::Explanation> explanation = std::nullopt;
    // The pipeline's decision is unsure: the ticket waits for review. A person's decision
    // never does (a reroute clears the flag).
    bool needs_review = false;
    // An agent's review (POST /api/tickets/{id}/review): announced as ticket.reviewed, even
    // when it confirms the department the ticket is in.
    bool review = false;
  };
  // Sets each ticket's department (one transaction where possible); one result each,
  // nullopt if no such ticket. Idempotent: setting the same values again changes nothing.
  virtual std::vector<std::optional<domain::Ticket>> set_departments(
      const std::vector<Decision>& batch) = 0;
};

// Categorizer → routing: the department names a ticket may be given.
class DepartmentDirectory {
 public:
  virtual ~DepartmentDirectory() = default;
  virtual std::vector<std::string> active_department_names() = 0;
};

}  // namespace st::ports
