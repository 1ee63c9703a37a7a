#include "services/routing/routing_service.hpp"

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"

namespace st::services::routing {

using domain::CategorizedBy;
using domain::Event;
using domain::EventType;

RoutingService::RoutingService(ports::RoutingStore& store, ports::TicketAssigner& tickets,
                               const ports::Clock& clock)
    : store_(store), tickets_(tickets), clock_(clock) {}

void RoutingService::initialize() { store_.ensure_default_departments(clock_.now()); }

std::vector<domain::Department> RoutingService::departments(bool include_inactive) {
  return store_.list_departments(include_inactive);
}

std::optional<domain::Department> RoutingService::department(std::string_view name) {
  return store_.find_department(name);
}

std::optional<domain::Department> RoutingService::add_department(const std::string& name,
                                                                 const std::string& description) {
  return store_.add_department(name, description, clock_.now());
}

std::optional<domain::Department> RoutingService::update_department(
    std::string_view name, const std::optional<std::string>& description,
    const std::optional<bool>& is_active) {
  return store_.update_department(name, description, is_active);
}

std::vector<std::string> RoutingService::active_department_names() {
  std::vector<std::string> names;
  for (auto& d : store_.list_departments(false)) names.push_back(std::move(d.name));
  return names;
}

RoutingService::Outcome RoutingService::route(const RouteRequest& r) {
  Outcome out;
  auto dept = store_.find_department(r.department);
  if (!dept) {
    out.error = RouteError::unknown_department;
    return out;
  }
  if (!dept->is_active) {
    out.error = RouteError::inactive_department;
    return out;
  }
  // Assign first, announce second: when ticket.routed is out, the ticket shows its
  // department. A crash in between redelivers the cause and both steps are idempotent.
  auto ticket = tickets_.assign_department(r.ticket_id, dept->name, r.confidence,
                                           r.categorized_by, r.trace_id);
  if (!ticket) {
    out.error = RouteError::unknown_ticket;
    return out;
  }
  out.ticket = ticket;
  ports::RoutingRecord rec;
  rec.ticket_id = r.ticket_id;
  rec.department = dept->name;
  rec.confidence_score = r.confidence;
  rec.categorized_by = r.categorized_by;
  rec.manual = r.manual;
  rec.routed_at = clock_.now();
  out.record = store_.record_routing(rec, r.cause_event_id, [&](const ports::RoutingRecord& saved) {
    nlohmann::json data{{"department", saved.department},
                        {"confidence_score", saved.confidence_score},
                        {"categorized_by", to_string(saved.categorized_by)},
                        {"routing_id", saved.id},
                        {"rerouted", saved.manual}};
    if (!r.reason.empty()) data["reason"] = r.reason;
    auto e = domain::make_event(EventType::routed, *ticket, saved.routed_at, r.trace_id, data);
    if (r.cause_event_id) e.event_id = domain::derived_event_id(*r.cause_event_id, "routed");
    return std::vector<Event>{std::move(e)};
  });
  return out;
}

ports::Disposition RoutingService::on_categorized(const ports::Delivery& d) {
  Event e;
  try {
    e = domain::parse_event(d.body);
  } catch (const domain::CodecError& err) {
    spdlog::error("routing: dead-lettering malformed event {}: {}", d.event_id, err.what());
    return ports::Disposition::dead_letter;
  }
  RouteRequest r;
  r.ticket_id = e.ticket.id;
  r.department = e.data.value("department", std::string(domain::kGeneralDepartment));
  r.confidence = e.data.value("confidence_score", 0);
  r.categorized_by = domain::parse_categorized_by(e.data.value("categorized_by", "keywords"))
                         .value_or(CategorizedBy::keywords);
  r.reason = e.data.value("reason", "");
  r.trace_id = e.trace_id;
  r.cause_event_id = e.event_id;
  auto out = route(r);
  if (out.error == RouteError::unknown_department || out.error == RouteError::inactive_department) {
    // The department vanished between categorization and routing: the ticket still needs
    // a home, so it goes to the catch-all queue.
    r.department = domain::kGeneralDepartment;
    r.reason = "department '" + e.data.value("department", "") + "' is not active";
    out = route(r);
  }
  if (out.error == RouteError::unknown_ticket) {
    spdlog::error("routing: ticket {} of event {} does not exist", r.ticket_id, e.event_id);
    return ports::Disposition::dead_letter;
  }
  if (out.error) return ports::Disposition::retry;
  return ports::Disposition::ack;
}

}  // namespace st::services::routing
