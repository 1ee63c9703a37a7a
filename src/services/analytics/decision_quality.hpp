#pragma once
// How often each categorization strategy is right, and at which confidence, as agents' reviews
// and reroutes tell (GET /api/analytics/quality): per strategy, overall and per department,
// the decisions it made, how many a person looked at, how many were moved elsewhere, the
// accuracy of the looked-at ones and their calibration (domain/calibration.hpp). An
// unreviewed decision is not known to be right, so accuracy and calibration count the
// reviewed ones only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/calibration.hpp"
#include "ports/analytics_store.hpp"

namespace st::services::analytics {

// The strategies scored, in the order answers list them; `manual` decisions are people's.
inline constexpr const char* kScoredStrategies[] = {"claude", "model", "keywords"};

struct QualityFigures {
  std::int64_t decisions = 0;
  std::int64_t reviewed = 0;
  std::int64_t corrected = 0;
  domain::Calibration calibration;  // of the reviewed decisions: right unless corrected

  // (reviewed - corrected) / reviewed; unset when none was reviewed.
  std::optional<double> accuracy() const { return calibration.accuracy(); }
};

struct DepartmentQuality {
  std::string department;
  QualityFigures figures;
};

struct StrategyQuality {
  std::string strategy;
  QualityFigures overall;
  std::vector<DepartmentQuality> departments;  // most decisions first, then by name
};

// One entry per scored strategy (kScoredStrategies order), with zeros for one that decided
// nothing; tallies of other strategies are ignored.
std::vector<StrategyQuality> decision_quality(const std::vector<ports::DecisionTally>& tallies);

}  // namespace st::services::analytics
