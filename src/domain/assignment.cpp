#include "domain/assignment.hpp"

#include <algorithm>
#include <tuple>

#include "util/enum_names.hpp"

namespace st::domain {

constexpr util::EnumNames<Availability, 2> kAvailabilityNames{{
    {Availability::available, "available"},
    {Availability::away, "away"},
}};

std::string_view to_string(Availability a) {
  return util::name_of(kAvailabilityNames, a);
}

std::optional<Availability> parse_availability(std::string_view s) {
  return util::value_named(kAvailabilityNames, s);
}

constexpr util::EnumNames<AssignmentMode, 3> kAssignmentModeNames{{
    {AssignmentMode::manual, "manual"},
    {AssignmentMode::round_robin, "round_robin"},
    {AssignmentMode::least_open, "least_open"},
}};

std::string_view to_string(AssignmentMode m) {
  return util::name_of(kAssignmentModeNames, m);
}

std::optional<AssignmentMode> parse_assignment_mode(std::string_view s) {
  return util::value_named(kAssignmentModeNames, s);
}

std::optional<AssignmentCandidate> choose_assignee(AssignmentMode mode,
                                                   const std::vector<AssignmentCandidate>& members,
                                                   const std::optional<std::string>& last_assigned,
                                                   const std::optional<std::string>& exclude) {
  if (mode == AssignmentMode::manual) return std::nullopt;
  std::vector<const AssignmentCandidate*> eligible;
  for (const auto& m : members)
    if (m.available && (!exclude || m.id != *exclude)) eligible.push_back(&m);
  if (eligible.empty()) return std::nullopt;
  std::sort(eligible.begin(), eligible.end(),
            [](const auto* a, const auto* b) { return a->id < b->id; });
  if (mode == AssignmentMode::round_robin) {
    if (last_assigned)
      for (const auto* m : eligible)
        if (m->id > *last_assigned) return *m;
    return *eligible.front();  // wraps around (or the first turn)
  }
  // least_open: never assigned sorts before any time (Millis below every real one).
  auto key = [](const AssignmentCandidate* m) {
    return std::make_tuple(m->open_tickets, m->last_assigned_at.value_or(-1), m->id);
  };
  return **std::min_element(eligible.begin(), eligible.end(),
                            [&](const auto* a, const auto* b) { return key(a) < key(b); });
}

}  // namespace st::domain
