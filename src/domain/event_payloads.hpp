#pragma once
// What each pipeline event says beyond its envelope (the wire's "data" object), one struct per
// event type. Producers fill these and consumers read them; only the codec
// (domain/event_payload_codec.cpp) knows their JSON keys.
//
// Required fields are the ones every producer has written since the first release: a message
// without one is malformed (dead-lettered). Optional fields were added later, are written only
// sometimes, or are completed by their reader (see each field); they have default member
// initializers, so `Routed{department, confidence, by, id, rerouted}` may leave them out.
#include <cstdint>
#include <optional>
#include <string>

#include "domain/explanation.hpp"
#include "domain/priority.hpp"
#include "domain/sla.hpp"
#include "domain/status.hpp"

namespace st::domain::payload {

// ticket.created: the ticket snapshot in the envelope says it all.
struct Created {
  bool operator==(const Created&) const = default;
};

// ticket.categorized: the categorizer's suggestion, which routing then applies.
struct Categorized {
  std::string department;                                  // required
  int confidence_score = 0;                                // required
  CategorizedBy categorized_by = CategorizedBy::keywords;  // required
  std::string reason = {};                                 // optional; always written, may be ""
  // Optional; written when not empty (the learned model's or the rules' version).
  std::string model_version = {};
  // Optional: messages written before priorities existed lack it and read as normal.
  Priority priority = Priority::normal;
  // Optional: messages written before explanations existed lack it (the ticket then has none).
  std::optional<Explanation> explanation = std::nullopt;
  // Optional: the learned model's answer, asked when Claude decided without being sure (a
  // second opinion); routing flags the ticket for review when it names another department.
  std::optional<Candidate> second_opinion = std::nullopt;

  bool operator==(const Categorized&) const = default;
};

// ticket.routed: a routing record was written and the ticket shows its department.
struct Routed {
  std::string department;                                  // required
  int confidence_score = 0;                                // required
  CategorizedBy categorized_by = CategorizedBy::keywords;  // required
  std::int64_t routing_id = 0;                             // required: the routing record
  bool rerouted = false;                                   // required: an agent's manual reroute
  std::string reason = {};               // optional; written when not empty (why routing fell back)
  std::string model_version = {};        // optional; written when not empty
  Priority priority = Priority::normal;  // optional (always written); missing reads as normal

  bool operator==(const Routed&) const = default;
};

// ticket.status.updated.
struct StatusUpdated {
  Status status = Status::pending;  // required
  // Optional: the analytics trail takes it from its own projection when a message lacks it.
  std::optional<Status> previous_status = std::nullopt;

  bool operator==(const StatusUpdated&) const = default;
};

// ticket.department.updated: an existing department changed (a reroute).
struct DepartmentUpdated {
  std::string department;  // required
  // Optional: as previous_status, the analytics trail completes it from its projection.
  std::optional<std::string> previous_department = std::nullopt;
  int confidence_score = 0;                                // required
  CategorizedBy categorized_by = CategorizedBy::keywords;  // required

  bool operator==(const DepartmentUpdated&) const = default;
};

// ticket.priority.updated: an agent changed a ticket's priority.
struct PriorityUpdated {
  Priority priority = Priority::normal;  // required
  // Optional, as previous_status.
  std::optional<Priority> previous_priority = std::nullopt;

  bool operator==(const PriorityUpdated&) const = default;
};

// ticket.assigned: the agent who works the ticket changed (routing, a reroute, an agent going
// away, or an agent's PUT /api/tickets/{id}/assignee).
struct Assigned {
  std::optional<std::string> assignee_id = std::nullopt;           // required key; null: unassigned
  std::optional<std::string> assignee_name = std::nullopt;         // optional
  std::optional<std::string> previous_assignee_id = std::nullopt;  // optional
  std::string reason = {};  // optional: routed, rerouted, away, manual

  bool operator==(const Assigned&) const = default;
};

// ticket.commented: a reply or an internal note was added (POST /api/tickets/{id}/comments).
// The author is the envelope's actor. The body is not carried: an event goes to every
// consumer (webhooks, the audit trail, the staff's live feed), and an internal note's text is
// for agents only; whoever needs the text reads GET /api/tickets/{id}/comments.
struct Commented {
  std::int64_t comment_id = 0;  // required
  bool is_public = true;        // required ("public"): false for an internal note

  bool operator==(const Commented&) const = default;
};

// ticket.reviewed: an agent confirmed or corrected a ticket's department
// (POST /api/tickets/{id}/review); the reviewer is the envelope's actor. A correction also
// moves the ticket (ticket.department.updated, ticket.routed).
struct Reviewed {
  std::string department;  // required: the department the reviewer chose
  bool confirmed = false;  // required: true when it is the one the ticket was in
  // Optional: where the ticket was (unset before it was routed).
  std::optional<std::string> previous_department = std::nullopt;
  // Optional: the decision reviewed, who made it and how sure it was.
  std::optional<CategorizedBy> decided_by = std::nullopt;
  std::optional<int> confidence_score = std::nullopt;
  bool was_flagged = false;  // optional ("flagged"): the ticket was in the review queue

  bool operator==(const Reviewed&) const = default;
};

// ticket.sla.met: a clock stopped in time (a public reply by an agent, the ticket resolved);
// written in the transaction of that change. All fields required.
struct SlaMet {
  SlaClock clock = SlaClock::first_response;
  Millis due_at = 0;  // "due_at", ISO-8601 like every time on the wire
  Millis met_at = 0;
  Priority priority = Priority::normal;  // the ticket's priority when it was met

  bool operator==(const SlaMet&) const = default;
};

// ticket.sla.breached: the sweeper found a running clock past its due; `escalation` is what
// the policy of the ticket's priority did about it (its own events follow: notify's is this
// one). All fields required.
struct SlaBreached {
  SlaClock clock = SlaClock::first_response;
  Millis due_at = 0;
  Priority priority = Priority::normal;  // the priority whose policy breached
  Escalation escalation = Escalation::none;

  bool operator==(const SlaBreached&) const = default;
};

}  // namespace st::domain::payload
