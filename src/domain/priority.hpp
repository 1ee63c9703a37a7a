#pragma once
// How urgent a ticket is. Every ticket has one: the categorizer decides it (Claude, or the
// local cue estimate), an agent may change it, and a ticket stored before priorities existed
// is `normal`.
#include <array>
#include <optional>
#include <string_view>

namespace st::domain {

enum class Priority { low, normal, high, urgent };

// Least to most urgent; rank() is the index here.
inline constexpr std::array<Priority, 4> kAllPriorities{Priority::low, Priority::normal,
                                                        Priority::high, Priority::urgent};

std::string_view to_string(Priority p);
std::optional<Priority> parse_priority(std::string_view text);
// 0 (low) to 3 (urgent): sorting by it, most urgent first, is sorting by rank descending.
constexpr int rank(Priority p) {
  return static_cast<int>(p);
}
// The error message of a bad priority value, naming the allowed ones.
inline constexpr std::string_view kPriorityChoices = "low, normal, high, urgent";

}  // namespace st::domain
