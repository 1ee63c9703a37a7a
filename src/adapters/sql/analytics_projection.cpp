#include "adapters/sql/analytics_projection.hpp"

#include <algorithm>
#include <utility>

#include "domain/codec.hpp"

namespace st::adapters::sql {
namespace {

using domain::Event;
using domain::EventType;
namespace payload = domain::payload;

// The department a categorized, routed or department_updated event names in its payload.
struct NamedAssignment {
  const std::string& department;
  int confidence_score;
  domain::CategorizedBy categorized_by;
};

std::optional<NamedAssignment> named_assignment(const Event& e) {
  if (const auto* p = e.payload_as<payload::Categorized>())
    return NamedAssignment{p->department, p->confidence_score, p->categorized_by};
  if (const auto* p = e.payload_as<payload::Routed>())
    return NamedAssignment{p->department, p->confidence_score, p->categorized_by};
  if (const auto* p = e.payload_as<payload::DepartmentUpdated>())
    return NamedAssignment{p->department, p->confidence_score, p->categorized_by};
  return std::nullopt;
}

std::optional<std::string> snapshot_categorizer(const Event& e) {
  if (!e.ticket.categorized_by) return std::nullopt;
  return std::string(domain::to_string(*e.ticket.categorized_by));
}

bool is_routing(const Event& e) {
  return e.type() == EventType::routed || e.type() == EventType::department_updated;
}

}  // namespace

std::optional<std::string> event_department(const Event& e) {
  if (auto named = named_assignment(e)) return named->department;
  return e.ticket.department;
}

std::optional<int> event_confidence(const Event& e) {
  if (auto named = named_assignment(e)) return named->confidence_score;
  return e.ticket.confidence_score;
}

ProjectedTicket apply_event(const std::optional<ProjectedTicket>& current, const Event& e) {
  const domain::Ticket& t = e.ticket;
  ProjectedTicket p;
  if (current) {
    p = *current;
  } else {
    p.ticket_id = t.id;
    p.created_at = t.created_at;
  }
  if (e.type() == EventType::created) p.created_at = t.created_at;

  // Status from the snapshot, newest snapshot first.
  const auto key = std::pair(t.updated_at, e.occurred_at);
  if (!p.status_version || key >= std::pair(*p.status_version, p.status_event_at.value_or(0))) {
    const bool was_resolved = p.status == domain::to_string(domain::Status::resolved);
    p.status = std::string(domain::to_string(t.status));
    p.priority = std::string(domain::to_string(t.priority));
    p.status_version = t.updated_at;
    p.status_event_at = e.occurred_at;
    if (t.status != domain::Status::resolved)
      p.resolved_at.reset();  // reopened
    else if (!was_resolved || !p.resolved_at)
      p.resolved_at = t.updated_at;  // keeps the first resolution time across repeats
  }

  auto assign = [&p](std::string department, std::optional<int> confidence,
                     std::optional<std::string> by, domain::Millis version) {
    if (p.department_version && version < *p.department_version) return;
    p.department = std::move(department);
    p.confidence_score = confidence;
    p.categorized_by = std::move(by);
    p.department_version = version;
  };
  if (is_routing(e)) {
    if (auto named = named_assignment(e)) {  // routing events always name one
      assign(named->department, named->confidence_score,
             std::string(domain::to_string(named->categorized_by)), e.occurred_at);
      p.routed_at = p.routed_at ? std::min(*p.routed_at, e.occurred_at) : e.occurred_at;
    }
  } else if (t.department) {
    // A snapshot is the ticket as of its updated_at; `categorized` events carry a suggested
    // department only in data, which is deliberately not read here.
    assign(*t.department, t.confidence_score, snapshot_categorizer(e), t.updated_at);
  }
  return p;
}

nlohmann::json event_metadata(const Event& e, const std::optional<ProjectedTicket>& before) {
  nlohmann::json m = domain::to_json(e.payload);  // the payload's wire form, as API clients see
  m["event_id"] = e.event_id;
  if (!e.trace_id.empty()) m["trace_id"] = e.trace_id;
  if (!named_assignment(e))
    if (auto by = snapshot_categorizer(e)) m["categorized_by"] = *by;
  if (before) {
    const auto status = std::string(domain::to_string(e.ticket.status));
    const auto* status_change = e.payload_as<payload::StatusUpdated>();
    if (status_change && !status_change->previous_status && before->status &&
        *before->status != status)
      m["previous_status"] = *before->status;
    const auto* reroute = e.payload_as<payload::DepartmentUpdated>();
    const bool names_previous = reroute && reroute->previous_department;
    const auto department = event_department(e);
    if (is_routing(e) && !names_previous && before->department && before->department != department)
      m["previous_department"] = *before->department;
  }
  return m;
}

}  // namespace st::adapters::sql
