#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.hpp"

namespace st::ports {

struct CategorizationRequest {
  std::string title;
  std::string description;
  std::vector<std::string> departments;  // active department names, the allowed answers
};

struct Categorization {
  std::string department;
  int confidence = 0;  // 0-100
  domain::CategorizedBy categorized_by = domain::CategorizedBy::keywords;
  std::string reason;         // short explanation, shown in the audit trail
  std::string model_version;  // which model/rules decided, may be empty
};

// One strategy in the categorizer's chain (Claude, learned model, keywords).
class Categorizer {
 public:
  virtual ~Categorizer() = default;
  // nullopt: this strategy cannot decide (unavailable, unsure); the next one is asked.
  virtual std::optional<Categorization> categorize(const CategorizationRequest& request) = 0;
  virtual std::string_view name() const = 0;
};

}  // namespace st::ports
