#include "domain/status.hpp"

namespace st::domain {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::pending:
      return "pending";
    case Status::in_progress:
      return "in_progress";
    case Status::resolved:
      return "resolved";
  }
  return "pending";
}

std::optional<Status> parse_status(std::string_view text) {
  for (Status s : kAllStatuses)
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::string_view to_string(CategorizedBy c) {
  switch (c) {
    case CategorizedBy::claude:
      return "claude";
    case CategorizedBy::model:
      return "model";
    case CategorizedBy::keywords:
      return "keywords";
    case CategorizedBy::manual:
      return "manual";
  }
  return "keywords";
}

std::optional<CategorizedBy> parse_categorized_by(std::string_view text) {
  for (CategorizedBy c : kAllCategorizers)
    if (to_string(c) == text) return c;
  return std::nullopt;
}

}  // namespace st::domain
