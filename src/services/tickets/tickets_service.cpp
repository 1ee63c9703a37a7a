#include "services/tickets/tickets_service.hpp"

namespace st::services::tickets {

using domain::Event;
using domain::Ticket;

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
  std::vector<ports::TicketCreate> writes;
  writes.reserve(items.size());
  for (const auto& item : items) {
    domain::NewTicket ticket = item.ticket;
    if (languages_) ticket.language = languages_->detect(ticket.title + "\n" + ticket.description);
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
    auto e = domain::make_event(domain::payload::StatusUpdated{status, previous}, t, now, trace_id);
    e.actor = actor;
    return {std::move(e)};
  });
}

std::optional<Ticket> TicketsService::update_priority(domain::TicketId id,
                                                      domain::Priority priority,
                                                      const std::string& trace_id,
                                                      const domain::Actor& actor) {
  const auto now = clock_.now();
  return update_one(id, [&](Ticket& t) -> std::vector<Event> {
    if (t.priority == priority) return {};
    const auto previous = t.priority;
    t.priority = priority;
    t.updated_at = now;
    auto e =
        domain::make_event(domain::payload::PriorityUpdated{priority, previous}, t, now, trace_id);
    e.actor = actor;
    return {std::move(e)};
  });
}

ports::TicketChange TicketsService::department_change(const Decision& a, domain::Millis now) const {
  return [a, now](Ticket& t) -> std::vector<Event> {
    if (t.department == a.department && t.confidence_score == a.confidence &&
        t.categorized_by == a.by && (!a.priority || t.priority == *a.priority) &&
        (!a.explanation || t.explanation == a.explanation))
      return {};  // a redelivered routing: already applied
    const auto previous = t.department;
    if (a.priority) t.priority = *a.priority;
    if (a.explanation) t.explanation = a.explanation;
    t.department = a.department;
    t.confidence_score = a.confidence;
    t.categorized_by = a.by;
    t.updated_at = now;
    // The first department is announced by routing's ticket.routed; a change of an existing
    // department (a reroute) is the tickets service's own news.
    if (!previous || *previous == a.department) return {};
    domain::payload::DepartmentUpdated change{a.department, *previous, a.confidence, a.by};
    auto e = domain::make_event(std::move(change), t, now, a.trace_id);
    e.actor = a.actor;
    return {std::move(e)};
  };
}

std::optional<Ticket> TicketsService::update_one(domain::TicketId id,
                                                 const ports::TicketChange& change) {
  return store_.update_batch({{id, change}}).at(0);
}

std::vector<std::optional<Ticket>> TicketsService::set_departments(
    const std::vector<Decision>& batch) {
  const auto now = clock_.now();
  std::vector<std::pair<domain::TicketId, ports::TicketChange>> changes;
  changes.reserve(batch.size());
  for (const auto& a : batch) changes.emplace_back(a.id, department_change(a, now));
  return store_.update_batch(changes);
}

}  // namespace st::services::tickets
