#include "domain/event.hpp"

#include <cstdio>
#include <random>
#include <type_traits>

#include "util/enum_names.hpp"

namespace st::domain {

// EventPayload's alternatives follow EventType's order, so Event::type() is the index.
template <EventType T, class P>
constexpr bool alternative_is = std::is_same_v<std::variant_alternative_t<int(T), EventPayload>, P>;
static_assert(alternative_is<EventType::created, payload::Created>);
static_assert(alternative_is<EventType::categorized, payload::Categorized>);
static_assert(alternative_is<EventType::routed, payload::Routed>);
static_assert(alternative_is<EventType::status_updated, payload::StatusUpdated>);
static_assert(alternative_is<EventType::department_updated, payload::DepartmentUpdated>);
static_assert(alternative_is<EventType::priority_updated, payload::PriorityUpdated>);
static_assert(alternative_is<EventType::assigned, payload::Assigned>);
static_assert(alternative_is<EventType::commented, payload::Commented>);
static_assert(alternative_is<EventType::reviewed, payload::Reviewed>);
static_assert(alternative_is<EventType::sla_met, payload::SlaMet>);
static_assert(alternative_is<EventType::sla_breached, payload::SlaBreached>);

constexpr util::EnumNames<EventType, 11> kRoutingKeys{{
    {EventType::created, "ticket.created"},
    {EventType::categorized, "ticket.categorized"},
    {EventType::routed, "ticket.routed"},
    {EventType::status_updated, "ticket.status.updated"},
    {EventType::department_updated, "ticket.department.updated"},
    {EventType::priority_updated, "ticket.priority.updated"},
    {EventType::assigned, "ticket.assigned"},
    {EventType::commented, "ticket.commented"},
    {EventType::reviewed, "ticket.reviewed"},
    {EventType::sla_met, "ticket.sla.met"},
    {EventType::sla_breached, "ticket.sla.breached"},
}};
static_assert(kRoutingKeys.size() == kAllEventTypes.size());

std::string_view routing_key(EventType t) {
  return util::name_of(kRoutingKeys, t);
}

std::optional<EventType> parse_event_type(std::string_view key) {
  return util::value_named(kRoutingKeys, key);
}

namespace {

std::string format_uuid(std::uint64_t hi, std::uint64_t lo, unsigned version) {
  hi = (hi & ~0xF000ULL) | (std::uint64_t(version) << 12);  // version nibble
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);           // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32),
                unsigned((hi >> 16) & 0xFFFF), unsigned(hi & 0xFFFF), unsigned(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::uint64_t fnv1a(std::string_view a, std::string_view b, std::uint64_t seed) {
  std::uint64_t h = seed;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  mix(a);
  mix("\x1f");
  mix(b);
  return h;
}

}  // namespace

std::string new_event_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return format_uuid(rng(), rng(), 4);
}

std::string derived_event_id(std::string_view cause, std::string_view purpose) {
  // Two independent 64-bit FNV-1a lanes: not cryptographic, only stable and well spread.
  return format_uuid(fnv1a(cause, purpose, 0xcbf29ce484222325ULL),
                     fnv1a(purpose, cause, 0x84222325cbf29ce4ULL), 8);
}

Event make_event(EventPayload payload, const Ticket& ticket, Millis now, std::string trace_id) {
  return Event{new_event_id(),  now,    std::move(trace_id),
               Actor::system(), ticket, std::move(payload)};
}

}  // namespace st::domain
