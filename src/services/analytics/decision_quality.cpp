#include "services/analytics/decision_quality.hpp"

#include <algorithm>
#include <map>

namespace st::services::analytics {
namespace {

void add(QualityFigures& f, const ports::DecisionTally& t) {
  f.decisions += t.decisions;
  f.reviewed += t.reviewed;
  f.corrected += t.corrected;
  f.calibration.add_tally(domain::calibration_bin(t.confidence_score),
                          {.count = t.reviewed,
                           .correct = t.reviewed - t.corrected,
                           .confidence_sum = t.reviewed * t.confidence_score});
}

}  // namespace

std::vector<StrategyQuality> decision_quality(const std::vector<ports::DecisionTally>& tallies) {
  std::vector<StrategyQuality> out;
  for (const char* strategy : kScoredStrategies) {
    StrategyQuality s{.strategy = strategy, .overall = {}, .departments = {}};
    std::map<std::string, QualityFigures> by_department;
    for (const auto& t : tallies) {
      if (t.decided_by != strategy) continue;
      add(s.overall, t);
      add(by_department[t.department], t);
    }
    for (auto& [name, figures] : by_department)
      s.departments.push_back({.department = name, .figures = std::move(figures)});
    std::stable_sort(s.departments.begin(), s.departments.end(),
                     [](const DepartmentQuality& a, const DepartmentQuality& b) {
                       return a.figures.decisions > b.figures.decisions;
                     });
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace st::services::analytics
