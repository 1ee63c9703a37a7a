#pragma once
// The SQL both relational adapters sort and page tickets by priority with: the stored name
// as its domain::rank (urgent 3 … low 0), so "ORDER BY rank DESC" is most urgent first.
#include <string>

#include "domain/priority.hpp"

namespace st::adapters::sql {

// "CASE priority WHEN 'low' THEN 0 … END": names and ranks are our constants, not input.
inline std::string priority_rank_sql() {
  std::string out = "(CASE priority";
  for (auto p : domain::kAllPriorities)
    out +=
        " WHEN '" + std::string(domain::to_string(p)) + "' THEN " + std::to_string(domain::rank(p));
  return out + " ELSE 0 END)";
}

}  // namespace st::adapters::sql
