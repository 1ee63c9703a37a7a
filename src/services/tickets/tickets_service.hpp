#pragma once
// The tickets service: owns the tickets table, the ticket lifecycle and the events
// ticket.created / ticket.status.updated / ticket.department.updated / ticket.priority.updated /
// ticket.assigned / ticket.commented / ticket.sla.met / ticket.sla.breached (through its
// outbox), each ticket's comments and SLA clocks (domain/sla.hpp) and the SLA policies.
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/ticket.hpp"
#include "ports/clock.hpp"
#include "ports/language_detector.hpp"
#include "ports/service_clients.hpp"
#include "ports/ticket_store.hpp"
#include "services/tickets/create_batcher.hpp"

namespace st::services::tickets {

struct TicketPage {
  std::vector<domain::Ticket> tickets;
  std::optional<domain::TicketId> next_before_id;  // set when another page follows
};

class TicketsService final : public ports::DepartmentSetter {
 public:
  // `languages`, when given, detects each new ticket's language (else it stays unset).
  TicketsService(ports::TicketStore& store, const ports::Clock& clock,
                 const ports::LanguageDetector* languages = nullptr);

  domain::Ticket create(const domain::NewTicket& t, const std::string& trace_id,
                        const domain::Actor& actor = domain::Actor::system());
  // The same, group-committed with other creates arriving at the same time (see
  // CreateBatcher): what the HTTP API uses. A non-empty `create_key` makes the create
  // happen once per key (ports::TicketCreate): a repeat answers the ticket already made.
  http::asio::awaitable<domain::Ticket> create_async(domain::NewTicket t, std::string trace_id,
                                                     domain::Actor actor,
                                                     std::string create_key = {});
  // Stores the creates still queued; later creates fail. Call once requests have drained.
  void stop() { batcher_.stop(); }
  std::optional<domain::Ticket> get(domain::TicketId id);
  // The time a ticket's SLA state is told at.
  domain::Millis now() const { return clock_.now(); }
  // The ticket to show, its explanation as stored JSON text (ports::TicketView).
  std::optional<ports::TicketView> view(domain::TicketId id) { return store_.view(id); }
  TicketPage list(const ports::TicketQuery& q);
  // nullopt if there is no such ticket. Setting the current status again changes nothing.
  std::optional<domain::Ticket> update_status(domain::TicketId id, domain::Status status,
                                              const std::string& trace_id,
                                              const domain::Actor& actor = domain::Actor::system());

  // An agent's change of priority; nullopt if there is no such ticket. Setting the current
  // priority again changes nothing.
  std::optional<domain::Ticket> update_priority(domain::TicketId id, domain::Priority priority,
                                                const std::string& trace_id,
                                                const domain::Actor& actor);

  // A reply or an internal note by `actor`, with its ticket.commented event, in one
  // transaction; nullopt if there is no such ticket. Who may write which kind is the
  // gateway's to check.
  std::optional<domain::Comment> add_comment(domain::TicketId id, const domain::NewComment& comment,
                                             const std::string& trace_id,
                                             const domain::Actor& actor);
  // A ticket's comments, oldest first; `public_only` leaves internal notes out.
  ports::Page<domain::Comment> comments(domain::TicketId id, bool public_only,
                                        const ports::PageRequest& page) {
    return store_.comments(id, public_only, page);
  }

  // Sets each ticket's department; a ticket that changes department (its routing, a reroute)
  // is also assigned by the new department's mode in the same transaction (a redelivered
  // decision changes nothing, so it cannot assign twice).
  std::vector<std::optional<domain::Ticket>> set_departments(
      const std::vector<Decision>& batch) override;

  // An agent's PUT /api/tickets/{id}/assignee: `agent_id` (an agent the gateway published)
  // or nobody. nullopt if there is no such ticket; throws UnknownAgent.
  std::optional<domain::Ticket> assign(domain::TicketId id,
                                       const std::optional<std::string>& agent_id,
                                       const std::string& trace_id, const domain::Actor& actor);
  struct UnknownAgent : std::runtime_error {
    UnknownAgent() : std::runtime_error("no such agent") {}
  };
  // What the gateway publishes of an agent; one who is away or revoked hands their open
  // tickets on (per each ticket's department mode). Returns how many were handed on.
  std::size_t put_agent(const ports::AgentRecord& agent, const std::string& trace_id,
                        const domain::Actor& actor);
  void set_assignment_mode(const std::string& department, domain::AssignmentMode mode) {
    store_.set_assignment_mode(department, mode);
  }
  std::map<std::string, domain::AssignmentMode> assignment_modes() {
    return store_.assignment_modes();
  }

  // The SLA policy of every priority: the stored ones over the defaults (domain/sla.hpp).
  // Read from the store each time (GET and PUT /api/sla/policies, a change of priority, the
  // sweeper): several instances share it.
  domain::SlaPolicies sla_policies();
  // How long creates and routing keep the policies they read (recent_sla_policies): another
  // instance's change is seen within it (docs/api.md, "SLA clocks").
  static constexpr domain::Millis kSlaPoliciesTtl = 1000;
  // Stores the given priorities' policies (validated by the caller); answers them all.
  domain::SlaPolicies put_sla_policies(
      const std::map<domain::Priority, domain::SlaPolicy>& changed);
  // The sweeper's turn: marks up to `limit` tickets' overdue clocks breached, each with its
  // ticket.sla.breached event and its policy's escalation, in one transaction. Safe to run
  // from several instances at once (the store locks each ticket; the breach is decided on
  // the locked row). Returns how many clocks it marked.
  std::size_t check_sla(int limit = 100);

 private:
  ports::AssigningChange department_change(const Decision& a, domain::Millis now,
                                           const domain::SlaPolicies& policies) const;
  // What a breach's escalation does to its ticket (inside the breach's transaction).
  static std::vector<domain::Event> escalate(domain::Ticket& t, domain::Escalation escalation,
                                             ports::AssignmentScope& scope, domain::Millis now,
                                             const domain::SlaPolicies& policies);
  // The store writes in batches; one change is a batch of one.
  std::optional<domain::Ticket> update_one(domain::TicketId id, const ports::TicketChange& change);

  std::vector<domain::Ticket> create_batch(const std::vector<CreateBatcher::Item>& items);
  // sla_policies() as read at most kSlaPoliciesTtl ago (by the clock port), for the hot
  // paths: each create batch and each routing batch. This instance's put_sla_policies drops
  // the copy at once.
  domain::SlaPolicies recent_sla_policies();

  ports::TicketStore& store_;
  const ports::Clock& clock_;
  const ports::LanguageDetector* languages_;

  // recent_sla_policies()'s copy; the batcher's thread, the routing consumer and the
  // handlers share it. A put bumps the generation, so a read that began before the put
  // (and may hold the old policies) is not kept after it.
  struct CachedSlaPolicies {
    domain::SlaPolicies policies;
    domain::Millis read_at = 0;
  };
  std::mutex sla_cache_mutex_;
  std::optional<CachedSlaPolicies> sla_cache_;
  std::uint64_t sla_cache_generation_ = 0;
  CreateBatcher batcher_;  // last: its thread uses the members above
};

}  // namespace st::services::tickets
