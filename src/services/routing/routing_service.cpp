#include "services/routing/routing_service.hpp"

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"

namespace st::services::routing {

using domain::Event;

RoutingService::RoutingService(ports::RoutingStore& store, ports::DepartmentSetter& tickets,
                               const ports::Clock& clock, int review_below_confidence)
    : store_(store),
      tickets_(tickets),
      clock_(clock),
      review_below_confidence_(review_below_confidence) {}

void RoutingService::initialize() {
  store_.ensure_default_departments(clock_.now());
}

std::vector<domain::Department> RoutingService::departments(bool include_inactive) {
  return store_.list_departments(include_inactive);
}

std::optional<domain::Department> RoutingService::department(std::string_view name) {
  return store_.find_department(name);
}

std::optional<domain::Department> RoutingService::add_department(const std::string& name,
                                                                 const std::string& description) {
  std::lock_guard lock(department_changes_);
  // An existing name is a conflict of its own, whatever the count.
  if (store_.find_department(name)) return std::nullopt;
  if (store_.list_departments(false).size() >= kMaxActiveDepartments)
    throw DepartmentLimitReached();
  return store_.add_department(name, description, clock_.now());
}

std::optional<domain::Department> RoutingService::update_department(
    std::string_view name, const std::optional<std::string>& description,
    const std::optional<bool>& is_active) {
  std::lock_guard lock(department_changes_);
  if (is_active == true) {
    const auto current = store_.find_department(name);
    if (current && !current->is_active &&
        store_.list_departments(false).size() >= kMaxActiveDepartments)
      throw DepartmentLimitReached();
  }
  return store_.update_department(name, description, is_active);
}

std::vector<std::string> RoutingService::active_department_names() {
  std::vector<std::string> names;
  for (auto& d : store_.list_departments(false)) names.push_back(std::move(d.name));
  return names;
}

std::optional<RouteError> RoutingService::resolve(RouteRequest& r) {
  auto dept = store_.find_department(r.department);
  if (!dept) return RouteError::unknown_department;
  if (!dept->is_active) return RouteError::inactive_department;
  r.department = dept->name;
  r.needs_review = needs_review(r, *dept);
  return std::nullopt;
}

bool RoutingService::needs_review(const RouteRequest& r, const domain::Department& dept) const {
  // A person's decision is not second-guessed.
  if (r.manual || r.categorized_by == domain::CategorizedBy::manual) return false;
  if (domain::needs_review(r.confidence, dept, review_below_confidence_)) return true;
  // A cheap second opinion that disagrees with an unsure Claude.
  return r.second_opinion && r.second_opinion->department != r.department;
}

std::optional<RouteError> RoutingService::resolve_or_fall_back(RouteRequest& r) {
  const std::string wanted = r.department;
  const auto error = resolve(r);
  if (!error) return std::nullopt;
  r.department = domain::kGeneralDepartment;
  r.reason = "department '" + wanted + "' " +
             (error == RouteError::inactive_department ? "is not active" : "does not exist");
  if (r.explanation) r.explanation->evidence.push_back(r.reason + ": routed to General");
  return resolve(r);
}

ports::RoutingStore::RoutingWrite RoutingService::routing_write(const RouteRequest& r,
                                                                const domain::Ticket& ticket) {
  ports::RoutingRecord rec;
  rec.ticket_id = r.ticket_id;
  rec.department = r.department;
  rec.confidence_score = r.confidence;
  rec.categorized_by = r.categorized_by;
  rec.manual = r.manual;
  rec.routed_at = clock_.now();
  rec.model_version = r.model_version;
  auto events = [r, ticket](const ports::RoutingRecord& saved) {
    domain::payload::Routed routed{
        saved.department, saved.confidence_score, saved.categorized_by, saved.id, saved.manual,
        r.reason,         saved.model_version,    ticket.priority};
    auto e = domain::make_event(std::move(routed), ticket, saved.routed_at, r.trace_id);
    e.actor = r.actor;
    // Derived from the cause, so a redelivered categorization cannot announce twice.
    if (r.cause_event_id) e.event_id = domain::derived_event_id(*r.cause_event_id, "routed");
    return std::vector<Event>{std::move(e)};
  };
  return {rec, r.cause_event_id, std::move(events)};
}

RoutingService::Outcome RoutingService::route(const RouteRequest& request) {
  Outcome out;
  RouteRequest r = request;
  if ((out.error = resolve(r))) return out;
  if (!r.explanation && r.categorized_by == domain::CategorizedBy::manual)
    r.explanation = domain::manual_explanation(r.department, r.confidence, r.actor, r.reason);
  // Assign first, announce second: when ticket.routed is out, the ticket shows its
  // department. A crash in between redelivers the cause and both steps are idempotent.
  const ports::DepartmentSetter::Decision decision{
      r.ticket_id, r.department, r.confidence,  r.categorized_by, r.trace_id,
      r.actor,     r.priority,   r.explanation, r.needs_review,   r.review};
  out.ticket = tickets_.set_departments({decision}).front();
  if (!out.ticket) {
    out.error = RouteError::unknown_ticket;
    return out;
  }
  const std::vector<ports::RoutingStore::RoutingWrite> writes{routing_write(r, *out.ticket)};
  out.record = store_.record_routings(writes).front();
  return out;
}

RoutingService::Outcome RoutingService::review(domain::TicketId id, const std::string& department,
                                               const domain::Actor& actor,
                                               const std::string& trace_id) {
  RouteRequest r;
  r.ticket_id = id;
  r.department = department;
  r.confidence = 100;
  r.categorized_by = domain::CategorizedBy::manual;
  r.manual = true;  // ticket.routed says rerouted: the training consumer's human label
  r.reason = "reviewed";
  r.trace_id = trace_id;
  r.actor = actor;
  r.review = true;
  return route(r);
}

RouteRequest RoutingService::request_from(const Event& e) {
  const auto* suggestion = e.payload_as<domain::payload::Categorized>();
  if (!suggestion) throw domain::CodecError("not a ticket.categorized event");
  RouteRequest r;
  r.ticket_id = e.ticket.id;
  r.department = suggestion->department;
  r.confidence = suggestion->confidence_score;
  r.categorized_by = suggestion->categorized_by;
  r.reason = suggestion->reason;
  r.model_version = suggestion->model_version;
  r.priority = suggestion->priority;
  r.explanation = suggestion->explanation;
  r.second_opinion = suggestion->second_opinion;
  r.trace_id = e.trace_id;
  r.cause_event_id = e.event_id;
  return r;
}

std::vector<ports::Disposition> RoutingService::on_categorized(
    const std::vector<ports::Delivery>& batch) {
  std::vector<ports::Disposition> out(batch.size(), ports::Disposition::ack);
  std::vector<RouteRequest> requests;
  std::vector<std::size_t> index;    // requests[k] came from batch[index[k]]
  std::vector<PipelineTimes> times;  // requests[k]'s
  for (std::size_t i = 0; i < batch.size(); ++i) {
    RouteRequest r;
    PipelineTimes t;
    try {
      const auto event = domain::parse_event(batch[i].body);
      r = request_from(event);
      t = {event.ticket.created_at, event.occurred_at};
    } catch (const std::exception& err) {
      spdlog::error("routing: dead-lettering malformed event {}: {}", batch[i].event_id,
                    err.what());
      out[i] = ports::Disposition::dead_letter;
      continue;
    }
    if (resolve_or_fall_back(r)) {
      out[i] = ports::Disposition::retry;  // not even General is active: an admin must act
      continue;
    }
    requests.push_back(std::move(r));
    index.push_back(i);
    times.push_back(t);
  }
  if (requests.empty()) return out;

  std::vector<ports::DepartmentSetter::Decision> decisions;
  for (const auto& r : requests)
    decisions.push_back({r.ticket_id, r.department, r.confidence, r.categorized_by, r.trace_id,
                         r.actor, r.priority, r.explanation, r.needs_review});
  const auto tickets = tickets_.set_departments(decisions);

  std::vector<ports::RoutingStore::RoutingWrite> writes;
  for (std::size_t k = 0; k < requests.size(); ++k) {
    if (!tickets.at(k)) {
      spdlog::error("routing: ticket {} of event {} does not exist", requests[k].ticket_id,
                    batch[index[k]].event_id);
      out[index[k]] = ports::Disposition::dead_letter;
      continue;
    }
    writes.push_back(routing_write(requests[k], *tickets[k]));
  }
  if (!writes.empty()) store_.record_routings(writes);
  if (created_to_routed_) {
    const auto routed = clock_.now();
    for (std::size_t k = 0; k < requests.size(); ++k)
      if (tickets[k]) observe(times[k], routed);
  }
  return out;
}

void RoutingService::observe_pipeline(metrics::Registry& registry) {
  const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                   1,     2.5,  5,     10,   30,  60,   300};
  auto stage = [&](const char* name) {
    return &registry.histogram("smartticket_pipeline_duration_seconds",
                               "Time between the steps of a new ticket's pipeline, by stage",
                               bounds, {{"stage", name}});
  };
  created_to_categorized_ = stage("created_to_categorized");
  categorized_to_routed_ = stage("categorized_to_routed");
  created_to_routed_ = stage("created_to_routed");
}

void RoutingService::observe(const PipelineTimes& t, domain::Millis routed) {
  // Clocks of different processes may disagree a little: a negative span reads as 0.
  auto seconds = [](domain::Millis from, domain::Millis to) {
    return to > from ? static_cast<double>(to - from) / 1000.0 : 0.0;
  };
  if (t.created > 0) {
    created_to_categorized_->observe(seconds(t.created, t.categorized));
    created_to_routed_->observe(seconds(t.created, routed));
  }
  categorized_to_routed_->observe(seconds(t.categorized, routed));
}

}  // namespace st::services::routing
