#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/event.hpp"
#include "ports/paging.hpp"

namespace st::ports {

// One line of a ticket's audit trail.
struct AuditEntry {
  domain::EventType event_type = domain::EventType::created;
  std::optional<std::string> department;
  std::optional<domain::Status> status;
  std::optional<int> confidence_score;
  nlohmann::json metadata = nlohmann::json::object();
  domain::Millis created_at = 0;
  domain::Actor actor;  // who made the change (the system for the pipeline)
  std::int64_t id = 0;  // its row: where the next page of the trail starts
};

struct NamedCount {
  std::string name;
  std::int64_t count = 0;
};

struct AnalyticsFilter {
  std::optional<domain::Millis> created_since;
  std::optional<std::string> department;
};

// Upper bounds (exclusive) of the time-to-route bands: under 100 ms, under 1 s, under 10 s,
// under a minute, under an hour; the last band is everything slower.
inline constexpr std::array<std::int64_t, 5> kRouteTimeBoundsMs{100, 1'000, 10'000, 60'000,
                                                                3'600'000};

// Aggregates over the analytics projection (one row per ticket, kept current from events).
struct TicketAggregate {
  std::int64_t total = 0;
  std::vector<NamedCount> by_department;  // routed tickets only, most first
  std::vector<NamedCount> by_status;
  std::vector<NamedCount> by_categorizer;  // claude / model / keywords / manual
  std::vector<NamedCount> by_priority;     // low / normal / high / urgent, most first
  std::optional<double> average_confidence;
  std::int64_t resolved = 0;
  std::optional<double> median_time_to_route_ms;
  // Routed tickets by confidence score in bands of ten: [0] is 0–9, …, [8] is 80–89 and
  // [9] is 90–100 (100 joins the top band rather than standing alone).
  std::array<std::int64_t, 10> confidence_histogram{};
  // Routed tickets by time from creation to first routing, in the kRouteTimeBoundsMs bands.
  std::array<std::int64_t, kRouteTimeBoundsMs.size() + 1> route_time_histogram{};
};

struct DailyCount {
  std::string date;  // YYYY-MM-DD
  std::int64_t count = 0;
};

// SLA clocks that concluded (ticket.sla.met / ticket.sla.breached), one per ticket and clock:
// a clock breached once counts as breached even if it was met later.
struct SlaTally {
  std::int64_t met = 0;
  std::int64_t breached = 0;
  bool operator==(const SlaTally&) const = default;
};

// The clocks of the tickets now in `department` whose policy was `priority`'s when they
// concluded.
struct SlaAttainment {
  std::optional<std::string> department;  // unset: tickets not routed yet
  domain::Priority priority = domain::Priority::normal;
  SlaTally first_response;
  SlaTally resolution;
  bool operator==(const SlaAttainment&) const = default;
};

// What a rebuild of the projection did.
struct ProjectionRebuild {
  std::int64_t events = 0;   // events of the log read
  std::int64_t tickets = 0;  // projection rows after the rebuild
  // Tickets whose log holds events recorded before they could be replayed (older
  // versions): their rows were kept as they were.
  std::int64_t kept = 0;
};

// Which routing decisions GET /api/analytics/quality counts: made in [since, until) (either
// bound optional), to one department or any.
struct DecisionFilter {
  std::optional<domain::Millis> since;
  std::optional<domain::Millis> until;
  std::optional<std::string> department;
};

// The automatic routing decisions of one strategy to one department at one confidence score,
// and what people made of them. (By score rather than by calibration bin: the stores then
// group along an index, and the bins are the domain's to draw, domain/calibration.hpp.)
struct DecisionTally {
  std::string decided_by;  // claude | model | keywords
  std::string department;  // where the strategy sent the tickets
  int confidence_score = 0;
  std::int64_t decisions = 0;
  std::int64_t reviewed = 0;   // a person has said where the ticket belongs
  std::int64_t corrected = 0;  // ... and it was another department
};

// Another rebuild (of this or another instance) is running.
class RebuildRunning : public std::runtime_error {
 public:
  RebuildRunning() : std::runtime_error("a rebuild of the analytics projection is running") {}
};

// The analytics service's own tables: analytics_events (the event log, JSON metadata)
// and what is derived from it: the per-ticket projections (analytics_tickets,
// analytics_decisions) and analytics_sla (each ticket's concluded SLA clocks).
class AnalyticsStore {
 public:
  virtual ~AnalyticsStore() = default;
  // Appends the events and updates the projection, in order, in one transaction (all or
  // nothing). One result per event: false when its event_id was already recorded (a
  // redelivery), which changes nothing.
  virtual std::vector<bool> record_batch(const std::vector<domain::Event>& events) = 0;
  // A page of the ticket's trail, by occurrence (then arrival) order.
  virtual Page<AuditEntry> trail(domain::TicketId id, const PageRequest& page) = 0;
  virtual TicketAggregate aggregate(const AnalyticsFilter& f) = 0;
  // Tickets created per UTC day in [from, to], days without tickets included as 0.
  virtual std::vector<DailyCount> daily_creation(domain::Millis from, domain::Millis to) = 0;
  // The decisions matching `f`, tallied by strategy, department and confidence score (in no
  // particular order; empty groups left out). Read from a projection of the log kept current
  // as events arrive (one row per ticket), so its cost grows with the tickets, not the events.
  virtual std::vector<DecisionTally> decision_tallies(const DecisionFilter& f) = 0;
  // SLA attainment by department (routed ones by name, then the unrouted) and priority (most
  // urgent first); only pairs with a concluded clock are listed.
  virtual std::vector<SlaAttainment> sla_attainment() = 0;
  // Rebuilds the projections (the per-ticket one, the decisions behind decision_tallies and
  // analytics_sla) from the event log while events keep being recorded, then replaces them in
  // one transaction (readers see the old projection or the new one). Throws RebuildRunning
  // when another rebuild holds the store.
  virtual ProjectionRebuild rebuild_projection() = 0;
};

}  // namespace st::ports
