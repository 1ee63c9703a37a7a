#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/explanation.hpp"
#include "domain/priority.hpp"
#include "domain/status.hpp"

namespace st::ports {

struct CategorizationRequest {
  std::string title;
  std::string description;
  std::vector<std::string> departments;  // active department names, the allowed answers
  // When the answer is needed by (a create request is waiting). A strategy that cannot
  // decide by then gives up (nullopt) so the next one still answers in time. Unset: the
  // strategy's own time budget applies.
  std::optional<std::chrono::steady_clock::time_point> deadline{};
};

// How well a strategy can work right now, for /api/health.
struct CategorizerHealth {
  enum class State {
    healthy,
    degraded,  // configured, and failing: the API down or refusing the key, a breaker open
    off,       // not configured (no key): a mode the operator chose, not a fault
  };
  State state = State::healthy;
  std::string summary;  // why, in a sentence; empty when healthy
  std::vector<std::pair<std::string, std::string>> details;  // e.g. {"breaker", "open"}
};

struct Categorization {
  std::string department;
  int confidence = 0;  // 0-100
  domain::CategorizedBy categorized_by = domain::CategorizedBy::keywords;
  std::string reason;         // short explanation, shown in the audit trail
  std::string model_version;  // which model/rules decided, may be empty
  // How urgent: Claude answers it; unset, the categorizer service fills in its local
  // estimate (services/categorizer/priority_estimator.hpp).
  std::optional<domain::Priority> priority = std::nullopt;
  // Why: the departments weighed and the evidence. A strategy sets its own; unset, the
  // categorizer service makes one of the decision and its reason (domain::plain_explanation).
  std::optional<domain::Explanation> explanation = std::nullopt;
};

// One strategy in the categorizer's chain (Claude, learned model, keywords).
class Categorizer {
 public:
  virtual ~Categorizer() = default;
  // nullopt: this strategy cannot decide (unavailable, unsure); the next one is asked.
  virtual std::optional<Categorization> categorize(const CategorizationRequest& request) = 0;
  virtual std::string_view name() const = 0;
  // Strategies without remote dependencies are always healthy.
  virtual CategorizerHealth health() { return {}; }
};

}  // namespace st::ports
