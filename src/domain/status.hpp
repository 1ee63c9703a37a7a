#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace st::domain {

// A ticket's lifecycle. `pending` is new; any status may move to any other (agents reopen).
// `waiting_on_customer`: the agent asked the requester something; the ticket is still open
// (it counts as open work), but its SLA clock is paused while the answer is awaited.
enum class Status { pending, in_progress, waiting_on_customer, resolved };

inline constexpr std::array<Status, 4> kAllStatuses{Status::pending, Status::in_progress,
                                                    Status::waiting_on_customer, Status::resolved};
// For error messages: "status must be one of: ...".
inline constexpr std::string_view kStatusChoices =
    "pending, in_progress, waiting_on_customer, resolved";

std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view text);

// Who decided a ticket's department.
enum class CategorizedBy { claude, model, keywords, manual };

inline constexpr std::array<CategorizedBy, 4> kAllCategorizers{
    CategorizedBy::claude, CategorizedBy::model, CategorizedBy::keywords, CategorizedBy::manual};

std::string_view to_string(CategorizedBy c);
std::optional<CategorizedBy> parse_categorized_by(std::string_view text);

}  // namespace st::domain
