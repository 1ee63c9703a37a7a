#include "adapters/sql/sla_attainment.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "domain/codec.hpp"

namespace st::adapters::sql {

namespace payload = domain::payload;

std::optional<SlaOutcome> sla_outcome(const domain::Event& e) {
  if (const auto* met = e.payload_as<payload::SlaMet>())
    return SlaOutcome{std::string(domain::to_string(met->clock)), "met",
                      std::string(domain::to_string(met->priority))};
  if (const auto* breach = e.payload_as<payload::SlaBreached>())
    return SlaOutcome{std::string(domain::to_string(breach->clock)), "breached",
                      std::string(domain::to_string(breach->priority))};
  return std::nullopt;
}

std::vector<ports::SlaAttainment> sla_attainment_from(const std::vector<SlaCountRow>& rows) {
  // Key: unrouted last, then the name, then the most urgent first.
  using Key = std::tuple<bool, std::string, int>;
  std::map<Key, ports::SlaAttainment> by_key;
  for (const auto& r : rows) {
    const auto priority = domain::parse_priority(r.priority);
    const auto clock = domain::parse_sla_clock(r.clock);
    if (!priority || !clock) continue;
    auto& entry = by_key[Key{!r.department, r.department.value_or(""), -domain::rank(*priority)}];
    entry.department = r.department;
    entry.priority = *priority;
    auto& tally =
        *clock == domain::SlaClock::first_response ? entry.first_response : entry.resolution;
    tally.met += r.met;
    tally.breached += r.breached;
  }
  std::vector<ports::SlaAttainment> out;
  out.reserve(by_key.size());
  for (auto& [key, entry] : by_key) out.push_back(std::move(entry));
  return out;
}

}  // namespace st::adapters::sql
