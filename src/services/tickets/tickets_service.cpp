#include "services/tickets/tickets_service.hpp"

namespace st::services::tickets {

using domain::Event;
using domain::Ticket;

namespace {

void append(std::vector<Event>& to, std::vector<Event> more) {
  for (auto& e : more) to.push_back(std::move(e));
}

// Meets `clock` of `t` at `now`: its ticket.sla.met event, or none when the clock was not
// running (met already, no clocks) or had been marked breached (domain/sla.hpp).
std::vector<Event> sla_met_events(Ticket& t, domain::SlaClock clock, domain::Millis now,
                                  const std::string& trace_id, const domain::Actor& actor) {
  const auto met = domain::meet_sla(t.sla, clock, now);
  if (!met) return {};
  auto e = domain::make_event(
      domain::payload::SlaMet{met->clock, met->due_at, met->met_at, t.priority}, t, now, trace_id);
  e.actor = actor;
  return {std::move(e)};
}

}  // namespace

TicketsService::TicketsService(ports::TicketStore& store, const ports::Clock& clock,
                               const ports::LanguageDetector* languages)
    : store_(store),
      clock_(clock),
      languages_(languages),
      batcher_(
          [this](const std::vector<CreateBatcher::Item>& items) { return create_batch(items); }) {}

Ticket TicketsService::create(const domain::NewTicket& t, const std::string& trace_id,
                              const domain::Actor& actor) {
  return create_batch({{t, trace_id, actor, {}}}).at(0);
}

http::asio::awaitable<Ticket> TicketsService::create_async(domain::NewTicket t,
                                                           std::string trace_id,
                                                           domain::Actor actor,
                                                           std::string create_key) {
  // A named local, not a braced temporary inside co_await: GCC 12 destroys such
  // temporaries twice.
  CreateBatcher::Item item{std::move(t), std::move(trace_id), std::move(actor),
                           std::move(create_key)};
  co_return co_await batcher_.submit(std::move(item));
}

std::vector<Ticket> TicketsService::create_batch(const std::vector<CreateBatcher::Item>& items) {
  const auto now = clock_.now();
  // A new ticket is normal until routing sets its priority (which moves its due times).
  const auto clocks = domain::start_sla(now, recent_sla_policies().of(domain::Priority::normal));
  std::vector<ports::TicketCreate> writes;
  writes.reserve(items.size());
  for (const auto& item : items) {
    domain::NewTicket ticket = item.ticket;
    if (languages_) ticket.language = languages_->detect(ticket.title + "\n" + ticket.description);
    ticket.first_response_due = clocks.first_response_due;
    ticket.resolution_due = clocks.resolution_due;
    writes.emplace_back(
        std::move(ticket),
        [now, trace = item.trace_id, actor = item.actor](const Ticket& stored) {
          auto e = domain::make_event(domain::payload::Created{}, stored, now, trace);
          e.actor = actor;
          return std::vector<Event>{std::move(e)};
        },
        item.create_key);
  }
  return store_.create_batch(writes, now);
}

std::optional<Ticket> TicketsService::get(domain::TicketId id) {
  return store_.get(id);
}

TicketPage TicketsService::list(const ports::TicketQuery& q) {
  // One row more than asked tells whether another page follows.
  ports::TicketQuery probe = q;
  probe.limit = q.limit + 1;
  TicketPage page;
  page.tickets = store_.list(probe);
  if (static_cast<int>(page.tickets.size()) > q.limit) {
    page.tickets.resize(static_cast<std::size_t>(q.limit));
    page.next_before_id = page.tickets.back().id;
  }
  return page;
}

std::optional<Ticket> TicketsService::update_status(domain::TicketId id, domain::Status status,
                                                    const std::string& trace_id,
                                                    const domain::Actor& actor) {
  const auto now = clock_.now();
  return update_one(id, [&](Ticket& t) -> std::vector<Event> {
    if (t.status == status) return {};
    const auto previous = t.status;
    t.status = status;
    t.updated_at = now;
    // waiting_on_customer pauses the clocks; leaving it resumes them; resolved meets both.
    if (status == domain::Status::waiting_on_customer) domain::pause_sla(t.sla, now);
    if (previous == domain::Status::waiting_on_customer) domain::resume_sla(t.sla, now);
    auto e = domain::make_event(domain::payload::StatusUpdated{status, previous}, t, now, trace_id);
    e.actor = actor;
    std::vector<Event> events{std::move(e)};
    if (status == domain::Status::resolved)
      for (const auto clock : domain::kAllSlaClocks)
        append(events, sla_met_events(t, clock, now, trace_id, actor));
    return events;
  });
}

std::optional<Ticket> TicketsService::update_priority(domain::TicketId id,
                                                      domain::Priority priority,
                                                      const std::string& trace_id,
                                                      const domain::Actor& actor) {
  const auto now = clock_.now();
  const auto policies = sla_policies();
  return update_one(id, [&](Ticket& t) -> std::vector<Event> {
    if (t.priority == priority) return {};
    const auto previous = t.priority;
    t.priority = priority;
    t.updated_at = now;
    domain::apply_policy(t.sla, t.created_at, policies.of(priority));
    auto e =
        domain::make_event(domain::payload::PriorityUpdated{priority, previous}, t, now, trace_id);
    e.actor = actor;
    return {std::move(e)};
  });
}

std::optional<domain::Comment> TicketsService::add_comment(domain::TicketId id,
                                                           const domain::NewComment& comment,
                                                           const std::string& trace_id,
                                                           const domain::Actor& actor) {
  const auto now = clock_.now();
  return store_.add_comment(id, comment, actor, now, [&](Ticket& t, const domain::Comment& stored) {
    // The first public reply by an agent or an admin meets the first response (a requester's
    // reply or an internal note does not).
    std::vector<Event> met;
    if (stored.is_public && actor.is_staff()) {
      met = sla_met_events(t, domain::SlaClock::first_response, now, trace_id, actor);
      if (!met.empty()) t.updated_at = now;
    }
    auto e = domain::make_event(domain::payload::Commented{stored.id, stored.is_public}, t, now,
                                trace_id);
    e.actor = actor;
    std::vector<Event> events{std::move(e)};
    append(events, std::move(met));
    return events;
  });
}

namespace {

// The ticket.assigned event of a change of assignee (none when it did not change).
std::vector<Event> assignment_event(Ticket& t, std::optional<domain::Assignee> to,
                                    const std::string& reason, domain::Millis now,
                                    const std::string& trace_id, const domain::Actor& actor) {
  if (t.assignee == to) return {};
  domain::payload::Assigned change;
  if (t.assignee) change.previous_assignee_id = t.assignee->id;
  if (to) {
    change.assignee_id = to->id;
    change.assignee_name = to->name;
  }
  change.reason = reason;
  t.assignee = std::move(to);
  t.updated_at = now;
  auto e = domain::make_event(std::move(change), t, now, trace_id);
  e.actor = actor;
  return {std::move(e)};
}

// ticket.reviewed of the review `a`: what the ticket was (`before`) and is (`after`).
Event review_event(const Ticket& before, const Ticket& after,
                   const ports::DepartmentSetter::Decision& a, domain::Millis now) {
  domain::payload::Reviewed reviewed{
      a.department,          before.department == a.department, before.department,
      before.categorized_by, before.confidence_score,           before.needs_review};
  auto e = domain::make_event(std::move(reviewed), after, now, a.trace_id);
  e.actor = a.actor;
  return e;
}

}  // namespace

ports::AssigningChange TicketsService::department_change(
    const Decision& a, domain::Millis now, const domain::SlaPolicies& policies) const {
  return [a, now, &policies](Ticket& t, ports::AssignmentScope& scope) -> std::vector<Event> {
    // A review of a flagged ticket always changes it (the flag clears), even when it
    // confirms what the ticket already shows.
    if (t.department == a.department && t.confidence_score == a.confidence &&
        t.categorized_by == a.by && (!a.priority || t.priority == *a.priority) &&
        (!a.explanation || t.explanation == a.explanation) && t.needs_review == a.needs_review)
      return {};  // a redelivered routing: already applied
    const auto previous = t.department;
    const std::optional<Ticket> before = a.review ? std::optional(t) : std::nullopt;
    t.needs_review = a.needs_review;
    if (a.priority && t.priority != *a.priority) {
      t.priority = *a.priority;
      domain::apply_policy(t.sla, t.created_at, policies.of(t.priority));
    }
    if (a.explanation) t.explanation = a.explanation;
    t.department = a.department;
    t.confidence_score = a.confidence;
    t.categorized_by = a.by;
    t.updated_at = now;
    std::vector<Event> events;
    // The first department is announced by routing's ticket.routed; a change of an existing
    // department (a reroute) is the tickets service's own news.
    if (previous && *previous != a.department) {
      domain::payload::DepartmentUpdated change{a.department, *previous, a.confidence, a.by};
      auto e = domain::make_event(std::move(change), t, now, a.trace_id);
      e.actor = a.actor;
      events.push_back(std::move(e));
    }
    // A new department (routed, or rerouted elsewhere) assigns again by its mode; under
    // `manual` (or with nobody available) the ticket is left without an assignee.
    if (previous != t.department) {
      auto to = scope.next_assignee(a.department, std::nullopt, now);
      auto assigned = assignment_event(t, std::move(to), previous ? "rerouted" : "routed", now,
                                       a.trace_id, a.actor);
      for (auto& e : assigned) events.push_back(std::move(e));
    }
    if (before) events.push_back(review_event(*before, t, a, now));
    return events;
  };
}

std::optional<Ticket> TicketsService::update_one(domain::TicketId id,
                                                 const ports::TicketChange& change) {
  return store_.update_batch({{id, change}}).at(0);
}

std::optional<Ticket> TicketsService::assign(domain::TicketId id,
                                             const std::optional<std::string>& agent_id,
                                             const std::string& trace_id,
                                             const domain::Actor& actor) {
  std::optional<domain::Assignee> to;
  if (agent_id) {
    to = store_.find_agent(*agent_id);
    if (!to) throw UnknownAgent();
  }
  const auto now = clock_.now();
  return update_one(
      id, [&](Ticket& t) { return assignment_event(t, to, "manual", now, trace_id, actor); });
}

std::size_t TicketsService::put_agent(const ports::AgentRecord& agent, const std::string& trace_id,
                                      const domain::Actor& actor) {
  store_.put_agent(agent);
  if (agent.active && agent.availability == domain::Availability::available) return 0;
  const auto now = clock_.now();
  const std::string leaving = agent.id;
  std::vector<std::pair<domain::TicketId, ports::AssigningChange>> changes;
  for (const auto id : store_.open_tickets_of(agent.id))
    changes.emplace_back(id, [&](Ticket& t, ports::AssignmentScope& scope) -> std::vector<Event> {
      // Checked again inside the transaction: it may have been reassigned since the list.
      if (!t.assignee || t.assignee->id != leaving || t.status == domain::Status::resolved)
        return {};
      std::optional<domain::Assignee> to;
      if (t.department) to = scope.next_assignee(*t.department, leaving, now);
      return assignment_event(t, std::move(to), "away", now, trace_id, actor);
    });
  std::size_t handed = 0;
  for (const auto& t : store_.update_batch_assigning(changes))
    if (t && (!t->assignee || t->assignee->id != leaving)) ++handed;
  return handed;
}

domain::SlaPolicies TicketsService::sla_policies() {
  auto policies = domain::default_sla_policies();
  for (const auto& [priority, policy] : store_.sla_policies()) policies.of(priority) = policy;
  return policies;
}

domain::SlaPolicies TicketsService::recent_sla_policies() {
  const auto now = clock_.now();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(sla_cache_mutex_);
    // A clock set back counts as expired rather than keeping the copy longer.
    if (sla_cache_ && now >= sla_cache_->read_at && now - sla_cache_->read_at < kSlaPoliciesTtl)
      return sla_cache_->policies;
    generation = sla_cache_generation_;
  }
  auto policies = sla_policies();  // outside the lock: a database read
  std::lock_guard lock(sla_cache_mutex_);
  if (generation == sla_cache_generation_) sla_cache_ = CachedSlaPolicies{policies, now};
  return policies;
}

domain::SlaPolicies TicketsService::put_sla_policies(
    const std::map<domain::Priority, domain::SlaPolicy>& changed) {
  store_.put_sla_policies(changed);
  {
    // After the commit: this instance's next create or routing reads the new policies.
    std::lock_guard lock(sla_cache_mutex_);
    sla_cache_.reset();
    ++sla_cache_generation_;
  }
  return sla_policies();
}

std::size_t TicketsService::check_sla(int limit) {
  const auto now = clock_.now();
  const auto due = store_.overdue_sla(now, limit);
  if (due.empty()) return 0;
  const auto policies = sla_policies();
  std::size_t breached = 0;
  std::vector<std::pair<domain::TicketId, ports::AssigningChange>> changes;
  changes.reserve(due.size());
  for (const auto id : due)
    changes.emplace_back(id, [&](Ticket& t, ports::AssignmentScope& scope) -> std::vector<Event> {
      // Decided again on the locked row: another sweeper may have marked it, or a reply met it.
      const auto overdue = domain::overdue_clocks(t.sla, now);
      if (overdue.empty()) return {};
      const auto breached_priority = t.priority;
      const auto escalation = policies.of(breached_priority).escalation;
      std::vector<Event> events;
      for (const auto clock : overdue) {
        domain::mark_breached(t.sla, clock, now);
        ++breached;
        events.push_back(domain::make_event(
            domain::payload::SlaBreached{clock, *t.sla.due(clock), breached_priority, escalation},
            t, now, ""));
      }
      t.updated_at = now;
      // One escalation per sweep of a ticket, however many of its clocks breached in it.
      append(events, escalate(t, escalation, scope, now, policies));
      return events;
    });
  store_.update_batch_assigning(changes);
  return breached;
}

std::vector<Event> TicketsService::escalate(Ticket& t, domain::Escalation escalation,
                                            ports::AssignmentScope& scope, domain::Millis now,
                                            const domain::SlaPolicies& policies) {
  switch (escalation) {
    case domain::Escalation::raise_priority: {
      const auto previous = t.priority;
      const auto to = domain::raised(previous);
      if (to == previous) return {};  // urgent already
      t.priority = to;
      // The running clocks take the new priority's targets, like any change of priority.
      domain::apply_policy(t.sla, t.created_at, policies.of(to));
      return {domain::make_event(domain::payload::PriorityUpdated{to, previous}, t, now, "")};
    }
    case domain::Escalation::reassign: {
      if (!t.department) return {};
      const auto current = t.assignee ? std::optional(t.assignee->id) : std::nullopt;
      auto to = scope.next_assignee(*t.department, current, now);
      if (!to) return {};  // nobody else available (or a manual department): left as it is
      return assignment_event(t, std::move(to), "sla", now, "", domain::Actor::system());
    }
    case domain::Escalation::notify:  // the breach event is the notification (webhooks)
    case domain::Escalation::none:
      return {};
  }
  return {};
}

std::vector<std::optional<Ticket>> TicketsService::set_departments(
    const std::vector<Decision>& batch) {
  const auto now = clock_.now();
  const auto policies = recent_sla_policies();
  std::vector<std::pair<domain::TicketId, ports::AssigningChange>> changes;
  changes.reserve(batch.size());
  for (const auto& a : batch) changes.emplace_back(a.id, department_change(a, now, policies));
  return store_.update_batch_assigning(changes);
}

}  // namespace st::services::tickets
