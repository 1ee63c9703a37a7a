#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/assignment.hpp"
#include "domain/codec.hpp"
#include "domain/comment.hpp"
#include "domain/event.hpp"
#include "domain/ticket.hpp"
#include "ports/paging.hpp"

namespace st::ports {

struct TicketQuery {
  std::optional<domain::Status> status;
  std::optional<std::string> department;  // exact name
  std::optional<std::string> language;    // ISO 639-1, exact
  std::optional<std::string> text;        // case-insensitive substring of title or description
  std::optional<std::string> user_email;  // the requester, ignoring case (a requester's own list)
  std::vector<domain::Priority> priorities;  // any of these; empty: every priority
  std::optional<std::string> assignee_id;    // the agent's key id
  bool unassigned = false;                   // only tickets nobody works
  bool needs_review = false;                 // only tickets waiting for review
  int limit = 50;
  // Most urgent first, then newest (else newest first). Its keyset paging continues after
  // (before_priority, before_id): both are set for a page after the first.
  bool by_priority = false;
  std::optional<domain::TicketId> before_id;  // keyset paging: newest first, ids below this
  std::optional<domain::Priority> before_priority;
  // How long a text search may run (0: no limit); past it list() throws SearchTimeout.
  std::chrono::milliseconds search_budget{0};
};

// A text search ran past its TicketQuery::search_budget and was stopped.
struct SearchTimeout : std::runtime_error {
  SearchTimeout() : std::runtime_error("the search ran past its time budget") {}
};

// Events a write wants emitted; written to the service's outbox in the same transaction.
using EventsFor = std::function<std::vector<domain::Event>(const domain::Ticket&)>;
using TicketChange = std::function<std::vector<domain::Event>(domain::Ticket&)>;

// One ticket to create. `create_key`, when not empty, names the request that asks for it
// (the gateway's digest of a client's Idempotency-Key and its scope): a create whose key is
// already stored creates nothing and answers the ticket stored under it. Stored in the same
// transaction as the ticket, so a retry after any crash finds it: exactly one ticket per key.
struct TicketCreate {
  TicketCreate(domain::NewTicket t, EventsFor e, std::string key = {})
      : ticket(std::move(t)), events(std::move(e)), create_key(std::move(key)) {}
  domain::NewTicket ticket;
  EventsFor events;
  std::string create_key;
};

// An agent as the tickets side knows them (published by the gateway, which owns keys).
struct AgentRecord {
  std::string id;  // the key id
  std::string name;
  std::vector<std::string> departments;
  domain::Availability availability = domain::Availability::available;
  bool active = true;  // false once the key is revoked
};

// What an assigning change may ask inside its write transaction (domain/assignment.hpp).
class AssignmentScope {
 public:
  virtual ~AssignmentScope() = default;
  // The department's next assignee by its mode (nullopt: manual, or nobody available;
  // `exclude` is never chosen). Moves the department's round-robin pointer and the agent's
  // last assignment time in the same transaction: concurrent assignments in one department
  // take turns.
  virtual std::optional<domain::Assignee> next_assignee(const std::string& department,
                                                        const std::optional<std::string>& exclude,
                                                        domain::Millis now) = 0;
};
using AssigningChange =
    std::function<std::vector<domain::Event>(domain::Ticket&, AssignmentScope&)>;

// Plain changes as assigning ones that ask nothing of their scope: what a store's
// update_batch hands to its update_batch_assigning. They refer to `changes`, which must
// outlive the call.
inline std::vector<std::pair<domain::TicketId, AssigningChange>> without_assignment(
    const std::vector<std::pair<domain::TicketId, TicketChange>>& changes) {
  std::vector<std::pair<domain::TicketId, AssigningChange>> out;
  out.reserve(changes.size());
  for (const auto& c : changes)
    out.emplace_back(
        c.first, [&change = c.second](domain::Ticket& t, AssignmentScope&) { return change(t); });
  return out;
}

// A ticket as read to be shown: its explanation as the JSON text it is stored as, not parsed
// (ticket.explanation is empty). Showing a ticket is the hottest read, and parsing the
// explanation and building its JSON again cost it more than everything else together.
struct TicketView {
  domain::Ticket ticket;
  std::optional<std::string> explanation_json;  // a JSON object; nullopt: none
};

// The events a new comment emits, built from its ticket and the comment as stored (its id).
// It may change the ticket (a reply meets its first-response clock): the ticket is then
// written in the comment's transaction, as update_batch would.
using CommentEvents =
    std::function<std::vector<domain::Event>(domain::Ticket&, const domain::Comment&)>;

// The tickets service's own tables (tickets, their comments, its outbox).
class TicketStore {
 public:
  virtual ~TicketStore() = default;
  // Inserts the tickets (ids assigned here, in the order given) and the events built from
  // each, in one transaction (all or nothing). One ticket is a batch of one. A create whose
  // create_key is stored already (or repeats one earlier in the batch) inserts nothing and
  // emits nothing: its result is the ticket stored under that key, as it is now.
  virtual std::vector<domain::Ticket> create_batch(const std::vector<TicketCreate>& tickets,
                                                   domain::Millis now) = 0;
  virtual std::optional<domain::Ticket> get(domain::TicketId id) = 0;
  // The ticket to show. This default serializes what get() parsed; the database adapters
  // pass the stored text through.
  virtual std::optional<TicketView> view(domain::TicketId id) {
    auto t = get(id);
    if (!t) return std::nullopt;
    TicketView v{std::move(*t), std::nullopt};
    if (v.ticket.explanation) v.explanation_json = domain::to_json(*v.ticket.explanation).dump();
    v.ticket.explanation.reset();
    return v;
  }
  // Newest first (or by priority). The tickets come without their explanation: lists never
  // show it (view() does).
  virtual std::vector<domain::Ticket> list(const TicketQuery& q) = 0;
  // Read-modify-write of several tickets in one transaction (all or nothing), in order (a
  // later change sees an earlier one to the same ticket): each `change` edits its ticket and
  // returns the events to emit. A ticket is written if its `change` modified it (compare with
  // operator==), the events if there are any; if neither, nothing is written. One result
  // per change: the ticket as changed, or nullopt if no such id.
  virtual std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, TicketChange>>& changes) = 0;
  // The same, each change also given the transaction's AssignmentScope.
  virtual std::vector<std::optional<domain::Ticket>> update_batch_assigning(
      const std::vector<std::pair<domain::TicketId, AssigningChange>>& changes) = 0;

  // Stores a comment by `author` on ticket `id` and the events built from it, in one
  // transaction. nullopt, and nothing written, if there is no such ticket.
  virtual std::optional<domain::Comment> add_comment(domain::TicketId id,
                                                     const domain::NewComment& comment,
                                                     const domain::Actor& author,
                                                     domain::Millis now,
                                                     const CommentEvents& events) = 0;
  // A ticket's comments, oldest first; with `public_only`, internal notes are left out
  // (the cursor is a comment id either way). No such ticket: an empty page.
  virtual Page<domain::Comment> comments(domain::TicketId id, bool public_only,
                                         const PageRequest& page) = 0;

  // Stores an agent (replacing what was known of them).
  virtual void put_agent(const AgentRecord& agent) = 0;
  // An active agent's id and name, or nullopt.
  virtual std::optional<domain::Assignee> find_agent(std::string_view id) = 0;
  virtual void set_assignment_mode(const std::string& department, domain::AssignmentMode mode) = 0;
  // The modes set so far, by department; a department not listed is manual.
  virtual std::map<std::string, domain::AssignmentMode> assignment_modes() = 0;
  // The ids of the tickets assigned to the agent that are not resolved.
  virtual std::vector<domain::TicketId> open_tickets_of(std::string_view agent_id) = 0;

  // The SLA policies stored so far, by priority; a priority not listed has the default.
  virtual std::map<domain::Priority, domain::SlaPolicy> sla_policies() = 0;
  // Stores these priorities' policies (replacing theirs), in one transaction.
  virtual void put_sla_policies(const std::map<domain::Priority, domain::SlaPolicy>& policies) = 0;
  // Up to `limit` tickets with a running, unpaused SLA clock due at or before `now`, the most
  // overdue first. Only candidates: the breach is decided again inside the write transaction
  // (update_batch_assigning locks the ticket), so sweepers racing mark it once.
  virtual std::vector<domain::TicketId> overdue_sla(domain::Millis now, int limit) = 0;
};

}  // namespace st::ports
