#pragma once
// Keyset paging of a ticket's history (its audit trail, its routings), oldest first: a page
// starts after the row a cursor names and holds at most `limit` rows.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace st::ports {

inline constexpr std::size_t kMaxPageSize = 200;

struct PageRequest {
  std::optional<std::int64_t> after_id;  // the last row of the previous page
  std::size_t limit = kMaxPageSize;      // 1..kMaxPageSize
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::int64_t> next_after;  // set when more rows follow
};

}  // namespace st::ports
