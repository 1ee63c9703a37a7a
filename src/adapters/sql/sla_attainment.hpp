#pragma once
// analytics_sla, the same way for both stores: one row per ticket and SLA clock that
// concluded, (ticket_id, clock, outcome 'met' | 'breached', priority), written as
// ticket.sla.met and ticket.sla.breached events are recorded. A breach outweighs a met
// whatever order they arrive in (the upsert keeps 'breached'), so redeliveries and
// reordering leave the same row, and a rebuild from the log gives it again.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "ports/analytics_store.hpp"

namespace st::adapters::sql {

struct SlaOutcome {
  std::string clock;     // first_response | resolution
  std::string outcome;   // met | breached
  std::string priority;  // the priority whose policy applied
};

// What an event concludes about a clock; nullopt for every other event.
std::optional<SlaOutcome> sla_outcome(const domain::Event& e);

// One row of "SELECT department, priority, clock, count met, count breached ... GROUP BY".
struct SlaCountRow {
  std::optional<std::string> department;
  std::string priority;
  std::string clock;
  std::int64_t met = 0;
  std::int64_t breached = 0;
};

// The port's answer: one entry per department and priority, routed departments by name, then
// the unrouted; most urgent first. Rows naming an unknown priority or clock are skipped.
std::vector<ports::SlaAttainment> sla_attainment_from(const std::vector<SlaCountRow>& rows);

}  // namespace st::adapters::sql
