#pragma once
// One table of names per enum, read both ways: the name a value is written as (to_string) and
// the value a name stands for (parse_*). Both directions read the same rows, so they cannot
// disagree, and a new value is one row.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace st::util {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E, std::size_t N>
using EnumNames = std::array<EnumName<E>, N>;

// The name of `value`; "unknown" for a value the table lacks (only a cast from an integer
// outside the enum makes one).
template <class E, std::size_t N>
constexpr std::string_view name_of(const EnumNames<E, N>& names, E value) {
  for (const auto& row : names)
    if (row.value == value) return row.name;
  return "unknown";
}

// The value named exactly `text` (names are case-sensitive codes), or nullopt.
template <class E, std::size_t N>
constexpr std::optional<E> value_named(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& row : names)
    if (row.name == text) return row.value;
  return std::nullopt;
}

}  // namespace st::util
