#pragma once
// Builds one page of a keyset-paged read (ports/paging.hpp) from rows read in order with
// LIMIT page.limit + 1: the extra row is not kept, it only shows that more follow.
#include <cstdint>
#include <optional>
#include <utility>

#include "ports/paging.hpp"

namespace st::adapters::sql {

template <class T>
class PageBuilder {
 public:
  explicit PageBuilder(const ports::PageRequest& request) : limit_(request.limit) {}

  // What LIMIT to read with.
  std::int64_t read_limit() const { return static_cast<std::int64_t>(limit_) + 1; }

  // Takes the next row (its id, and its item unless it is not to be shown). False once the
  // page is full: that row starts the next page.
  bool add(std::int64_t id, std::optional<T> item) {
    if (rows_ == limit_) {
      page_.next_after = last_id_;
      return false;
    }
    ++rows_;
    last_id_ = id;
    if (item) page_.items.push_back(std::move(*item));
    return true;
  }

  ports::Page<T> finish() { return std::move(page_); }

 private:
  std::size_t limit_;
  std::size_t rows_ = 0;
  std::int64_t last_id_ = 0;
  ports::Page<T> page_;
};

}  // namespace st::adapters::sql
