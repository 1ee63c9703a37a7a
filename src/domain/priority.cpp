#include "domain/priority.hpp"

#include "util/enum_names.hpp"

namespace st::domain {

constexpr util::EnumNames<Priority, 4> kPriorityNames{{{Priority::low, "low"},
                                                       {Priority::normal, "normal"},
                                                       {Priority::high, "high"},
                                                       {Priority::urgent, "urgent"}}};
static_assert(kPriorityNames.size() == kAllPriorities.size());
static_assert(rank(Priority::low) == 0 && rank(Priority::urgent) == 3);

std::string_view to_string(Priority p) {
  return util::name_of(kPriorityNames, p);
}

std::optional<Priority> parse_priority(std::string_view text) {
  return util::value_named(kPriorityNames, text);
}

}  // namespace st::domain
