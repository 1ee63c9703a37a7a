#include "domain/sla.hpp"

#include "util/enum_names.hpp"

namespace st::domain {

constexpr util::EnumNames<Escalation, 4> kEscalationNames{
    {{Escalation::none, "none"},
     {Escalation::raise_priority, "raise_priority"},
     {Escalation::reassign, "reassign"},
     {Escalation::notify, "notify"}}};

std::string_view to_string(Escalation e) {
  return util::name_of(kEscalationNames, e);
}

std::optional<Escalation> parse_escalation(std::string_view s) {
  return util::value_named(kEscalationNames, s);
}

constexpr util::EnumNames<SlaClock, 2> kClockNames{
    {{SlaClock::first_response, "first_response"}, {SlaClock::resolution, "resolution"}}};

std::string_view to_string(SlaClock c) {
  return util::name_of(kClockNames, c);
}

std::optional<SlaClock> parse_sla_clock(std::string_view s) {
  return util::value_named(kClockNames, s);
}

constexpr util::EnumNames<SlaState, 4> kStateNames{{{SlaState::ok, "ok"},
                                                    {SlaState::at_risk, "at_risk"},
                                                    {SlaState::breached, "breached"},
                                                    {SlaState::met, "met"}}};

std::string_view to_string(SlaState s) {
  return util::name_of(kStateNames, s);
}

SlaPolicies default_sla_policies() {
  constexpr std::int64_t hour = 3600, day = 24 * hour;
  SlaPolicies p;
  p.of(Priority::urgent) = {1 * hour, 4 * hour, Escalation::none};
  p.of(Priority::high) = {4 * hour, 1 * day, Escalation::none};
  p.of(Priority::normal) = {8 * hour, 3 * day, Escalation::none};
  p.of(Priority::low) = {1 * day, 7 * day, Escalation::none};
  return p;
}

namespace {

struct ClockFields {
  std::optional<Millis> SlaClocks::*due;
  std::optional<Millis> SlaClocks::*met;
  std::optional<Millis> SlaClocks::*breached;
};

constexpr ClockFields fields_of(SlaClock c) {
  return c == SlaClock::first_response
             ? ClockFields{&SlaClocks::first_response_due, &SlaClocks::first_response_at,
                           &SlaClocks::first_response_breached_at}
             : ClockFields{&SlaClocks::resolution_due, &SlaClocks::resolved_at,
                           &SlaClocks::resolution_breached_at};
}

Millis target_ms(const SlaPolicy& p, SlaClock c) {
  return 1000 * (c == SlaClock::first_response ? p.first_response_seconds : p.resolution_seconds);
}

}  // namespace

std::optional<Millis> SlaClocks::due(SlaClock c) const {
  return this->*fields_of(c).due;
}
std::optional<Millis> SlaClocks::met_at(SlaClock c) const {
  return this->*fields_of(c).met;
}
std::optional<Millis> SlaClocks::breached_at(SlaClock c) const {
  return this->*fields_of(c).breached;
}
bool SlaClocks::running(SlaClock c) const {
  return due(c) && !met_at(c) && !breached_at(c);
}

SlaClocks start_sla(Millis created_at, const SlaPolicy& policy) {
  SlaClocks clocks;
  clocks.first_response_due = created_at + target_ms(policy, SlaClock::first_response);
  clocks.resolution_due = created_at + target_ms(policy, SlaClock::resolution);
  return clocks;
}

void apply_policy(SlaClocks& clocks, Millis created_at, const SlaPolicy& policy) {
  for (const auto c : kAllSlaClocks)
    if (clocks.running(c))
      clocks.*fields_of(c).due = created_at + target_ms(policy, c) + clocks.paused_ms;
}

void pause_sla(SlaClocks& clocks, Millis now) {
  if (clocks.paused_at) return;
  if (clocks.running(SlaClock::first_response) || clocks.running(SlaClock::resolution))
    clocks.paused_at = now;
}

void resume_sla(SlaClocks& clocks, Millis now) {
  if (!clocks.paused_at) return;
  const Millis paused = now > *clocks.paused_at ? now - *clocks.paused_at : 0;
  clocks.paused_at.reset();
  clocks.paused_ms += paused;
  for (const auto c : kAllSlaClocks)
    if (clocks.running(c)) *(clocks.*fields_of(c).due) += paused;
}

std::optional<SlaMet> meet_sla(SlaClocks& clocks, SlaClock c, Millis now) {
  const auto f = fields_of(c);
  if (!(clocks.*f.due) || (clocks.*f.met)) return std::nullopt;
  clocks.*f.met = now;
  if (clocks.*f.breached) return std::nullopt;
  return SlaMet{c, *(clocks.*f.due), now};
}

std::vector<SlaClock> overdue_clocks(const SlaClocks& clocks, Millis now) {
  std::vector<SlaClock> out;
  if (clocks.paused_at) return out;
  for (const auto c : kAllSlaClocks)
    if (clocks.running(c) && *clocks.due(c) <= now) out.push_back(c);
  return out;
}

void mark_breached(SlaClocks& clocks, SlaClock c, Millis now) {
  clocks.*fields_of(c).breached = now;
}

SlaState sla_state(const SlaClocks& clocks, Millis created_at, Millis now) {
  // While paused, time stands still for the running clocks.
  const Millis clock_now = clocks.paused_at ? *clocks.paused_at : now;
  bool at_risk = false;
  for (const auto c : kAllSlaClocks) {
    const auto due = clocks.due(c);
    if (!due) continue;
    if (clocks.breached_at(c)) return SlaState::breached;
    if (const auto met = clocks.met_at(c)) {
      if (*met > *due) return SlaState::breached;
      continue;
    }
    const Millis left = *due - clock_now;
    if (left <= 0) return SlaState::breached;
    // due = created_at + target + paused_ms for a running clock.
    const Millis target = *due - created_at - clocks.paused_ms;
    if (static_cast<double>(left) < kAtRiskShare * static_cast<double>(target)) at_risk = true;
  }
  if (at_risk) return SlaState::at_risk;
  if (clocks.first_response_at && clocks.resolved_at) return SlaState::met;
  return SlaState::ok;
}

Priority raised(Priority p) {
  return p == Priority::urgent ? p : kAllPriorities[static_cast<std::size_t>(rank(p) + 1)];
}

}  // namespace st::domain
