#pragma once
// Who works a ticket: agents belong to departments and are available or away; each
// department hands its routed tickets to a member by its assignment mode.
//
// Where assignment lives: the tickets service owns it, because it owns what the choice reads
// and writes (each ticket's assignee, the open-ticket counts, the round-robin pointer) and can
// make the choice inside the transaction that sets the department (ports::TicketStore
// update_batch_assigning): several routing instances delivering one routing cannot assign it
// twice, and two assignments in one department take turns on its pointer. Agents' keys live
// with the gateway, which publishes each agent's departments and availability to the tickets
// side (POST /internal/tickets/agents); the choice itself is the pure function below.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.hpp"

namespace st::domain {

enum class Availability { available, away };
std::string_view to_string(Availability a);
std::optional<Availability> parse_availability(std::string_view s);

// manual: nobody is assigned automatically. round_robin: members in turn (by key id).
// least_open: the member with the fewest open tickets; ties go to the one whose last
// assignment is oldest (never assigned counts as oldest), then by key id.
enum class AssignmentMode { manual, round_robin, least_open };
std::string_view to_string(AssignmentMode m);
std::optional<AssignmentMode> parse_assignment_mode(std::string_view s);
inline constexpr std::string_view kAssignmentModeChoices = "manual, round_robin, least_open";

// Who works a ticket, as tickets show it.
struct Assignee {
  std::string id;  // the agent's key id
  std::string name;
  bool operator==(const Assignee&) const = default;
};

// A department member as the policy sees it.
struct AssignmentCandidate {
  std::string id;
  std::string name;
  bool available = true;
  long long open_tickets = 0;
  std::optional<Millis> last_assigned_at;
};

// The member who gets the next ticket, or nullopt (manual mode, or nobody available).
// `last_assigned` is the department's round-robin pointer: the id of the member it chose
// last (the next one in id order follows it, wrapping around). `exclude` (an agent going
// away) is never chosen.
std::optional<AssignmentCandidate> choose_assignee(
    AssignmentMode mode, const std::vector<AssignmentCandidate>& members,
    const std::optional<std::string>& last_assigned,
    const std::optional<std::string>& exclude = std::nullopt);

}  // namespace st::domain
