#pragma once
// Pipeline events. The JSON body is the wire format on every bus (in-process and RabbitMQ):
// {"schema_version","event_id","event_type","occurred_at","trace_id","actor":{...},
//  "ticket":{...},"data":{...}} (domain/codec.hpp); "data" is the typed payload.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/event_payloads.hpp"
#include "domain/principal.hpp"
#include "domain/ticket.hpp"

namespace st::domain {

enum class EventType {
  created,
  categorized,
  routed,
  status_updated,
  department_updated,
  priority_updated,
  assigned,
  commented,
  reviewed,
  sla_met,
  sla_breached
};

inline constexpr std::array<EventType, 11> kAllEventTypes{
    EventType::created,        EventType::categorized,        EventType::routed,
    EventType::status_updated, EventType::department_updated, EventType::priority_updated,
    EventType::assigned,       EventType::commented,          EventType::reviewed,
    EventType::sla_met,        EventType::sla_breached};

// The routing key, e.g. "ticket.status.updated".
std::string_view routing_key(EventType t);
std::optional<EventType> parse_event_type(std::string_view routing_key);

// One alternative per EventType, in the enum's order: the alternative is the event's type.
using EventPayload =
    std::variant<payload::Created, payload::Categorized, payload::Routed, payload::StatusUpdated,
                 payload::DepartmentUpdated, payload::PriorityUpdated, payload::Assigned,
                 payload::Commented, payload::Reviewed, payload::SlaMet, payload::SlaBreached>;
static_assert(std::variant_size_v<EventPayload> == kAllEventTypes.size());

struct Event {
  std::string event_id;  // UUID; consumers deduplicate on it
  Millis occurred_at = 0;
  std::string trace_id;  // W3C trace id of the request that started it (may be empty)
  Actor actor;           // who made the change; a message without one was the pipeline's
  Ticket ticket;         // snapshot after the change
  EventPayload payload;

  EventType type() const { return static_cast<EventType>(payload.index()); }
  // The payload if the event is of type P, else null.
  template <class P>
  const P* payload_as() const {
    return std::get_if<P>(&payload);
  }
};

// A random (v4) UUID.
std::string new_event_id();
// A UUID derived from another event's id and a purpose: a consumer that emits an event in
// answer to one it received uses it, so a redelivered input yields the same output id and
// downstream deduplication absorbs the repeat.
std::string derived_event_id(std::string_view cause_event_id, std::string_view purpose);

Event make_event(EventPayload payload, const Ticket& ticket, Millis now, std::string trace_id);

}  // namespace st::domain
