#pragma once
// SLA clocks (issue 17 §4): each ticket has two clocks, first response and resolution, whose
// targets come from the policy of its priority. The arithmetic is here, pure; the tickets
// service applies it inside its write transactions and its sweeper marks breaches.
//
// The rules, as docs/api.md ("SLA clocks") states them:
// - Both clocks start when the ticket is created: due = created_at + target + paused time.
//   A change of priority (routing, an agent, an escalation) recomputes the due times of the
//   clocks still running from the new priority's policy. A change of the policies applies to
//   tickets as their priority is next set; existing due times stay.
// - waiting_on_customer pauses the running clocks; leaving it moves their due times later by
//   the time paused.
// - The first public comment by an agent or an admin meets the first response; `resolved`
//   meets the resolution, and the first response too if it is still running (the requester
//   has their answer). A met clock stays met: reopening a resolved ticket restarts nothing.
// - A running clock past its due is breached by the sweeper (once: the breach time is stored).
//   A breached clock still records when it was met, but only a clock met before it was
//   marked breached emits ticket.sla.met (attainment = met / (met + breached)).
// - state: breached if a clock is breached (marked, met after its due, or running past it);
//   met when both clocks are met; at_risk when a running clock has less than 25% of its target
//   left (while paused, the time left is frozen); else ok.
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/priority.hpp"
#include "domain/time.hpp"

namespace st::domain {

// What a breach does besides its ticket.sla.breached event. notify changes nothing: the
// breach event is what webhooks deliver.
enum class Escalation { none, raise_priority, reassign, notify };
std::string_view to_string(Escalation e);
std::optional<Escalation> parse_escalation(std::string_view s);
inline constexpr std::string_view kEscalationChoices = "none, raise_priority, reassign, notify";

struct SlaPolicy {
  std::int64_t first_response_seconds = 0;
  std::int64_t resolution_seconds = 0;
  Escalation escalation = Escalation::none;
  bool operator==(const SlaPolicy&) const = default;
};

// One policy per priority, indexed by rank().
struct SlaPolicies {
  std::array<SlaPolicy, 4> by_rank;
  const SlaPolicy& of(Priority p) const { return by_rank[static_cast<std::size_t>(rank(p))]; }
  SlaPolicy& of(Priority p) { return by_rank[static_cast<std::size_t>(rank(p))]; }
  bool operator==(const SlaPolicies&) const = default;
};

// urgent 1 h / 4 h, high 4 h / 1 day, normal 8 h / 3 days, low 1 day / 7 days; no escalation.
SlaPolicies default_sla_policies();
// A target must be at least this and at most kMaxSlaSeconds (a year).
inline constexpr std::int64_t kMinSlaSeconds = 1;
inline constexpr std::int64_t kMaxSlaSeconds = 366LL * 24 * 3600;

enum class SlaClock { first_response, resolution };
std::string_view to_string(SlaClock c);
std::optional<SlaClock> parse_sla_clock(std::string_view s);

enum class SlaState { ok, at_risk, breached, met };
std::string_view to_string(SlaState s);

// A ticket's clocks. A due time is unset for a ticket stored before SLA clocks existed (it
// has no clocks). `*_at`: when the clock was met; `*_breached_at`: when the sweeper marked
// it breached. While paused, `paused_at` is when the pause began; `paused_ms` is the paused
// time already added to the due times of the clocks that were running.
struct SlaClocks {
  std::optional<Millis> first_response_due;
  std::optional<Millis> first_response_at;
  std::optional<Millis> first_response_breached_at;
  std::optional<Millis> resolution_due;
  std::optional<Millis> resolved_at;
  std::optional<Millis> resolution_breached_at;
  std::optional<Millis> paused_at;
  Millis paused_ms = 0;
  bool operator==(const SlaClocks&) const = default;

  std::optional<Millis> due(SlaClock c) const;
  std::optional<Millis> met_at(SlaClock c) const;
  std::optional<Millis> breached_at(SlaClock c) const;
  // Has a due time, and is neither met nor breached.
  bool running(SlaClock c) const;
};

inline constexpr std::array<SlaClock, 2> kAllSlaClocks{SlaClock::first_response,
                                                       SlaClock::resolution};

// Starts both clocks of a ticket created at `created_at`.
SlaClocks start_sla(Millis created_at, const SlaPolicy& policy);
// New due times for the running clocks from `policy` (a change of priority).
void apply_policy(SlaClocks& clocks, Millis created_at, const SlaPolicy& policy);
// Pauses the running clocks at `now` (no-op when paused already or nothing runs).
void pause_sla(SlaClocks& clocks, Millis now);
// Ends a pause: the running clocks' due times move later by the time paused.
void resume_sla(SlaClocks& clocks, Millis now);

// A clock met by meet_sla, for its ticket.sla.met event.
struct SlaMet {
  SlaClock clock;
  Millis due_at;
  Millis met_at;
};
// Meets clock `c` at `now` if it runs (nullopt otherwise). A clock marked breached records
// when it was met, but is not reported met.
std::optional<SlaMet> meet_sla(SlaClocks& clocks, SlaClock c, Millis now);
// The running, unpaused clocks whose due time is at or before `now`.
std::vector<SlaClock> overdue_clocks(const SlaClocks& clocks, Millis now);
// Marks clock `c` breached at `now`.
void mark_breached(SlaClocks& clocks, SlaClock c, Millis now);

SlaState sla_state(const SlaClocks& clocks, Millis created_at, Millis now);
// A running clock with less than this share of its target left is at risk.
inline constexpr double kAtRiskShare = 0.25;

// The next priority up (urgent stays urgent).
Priority raised(Priority p);

}  // namespace st::domain
