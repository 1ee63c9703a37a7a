#include "learned_model/features/stacked_features.hpp"

#include <algorithm>
#include <cmath>

namespace st::learned_model {
namespace {
constexpr double kProbabilityFloor = 1e-4;
// Similarities above which the nearest ticket is, in the support-queues data, mostly a
// rewording of the new one (0.5: nearly always; 0.35: often).
constexpr double kLooseCopy = 0.35;
constexpr double kNearCopy = 0.5;
}  // namespace

std::size_t stacked_width(const StackedParts& parts, std::size_t labels) {
  return (parts.fasttext ? labels : 0) + (parts.svm ? labels : 0) +
         (parts.neighbours ? 5 * labels + 1 : 0);
}

SparseVector stacked_features(const StackedParts& parts, std::size_t labels,
                              const std::vector<double>& log_p, const std::vector<double>& svm,
                              const std::vector<Neighbour>& nearest) {
  std::vector<double> dense(stacked_width(parts, labels), 0.0);
  std::size_t at = 0;
  if (parts.fasttext) {
    const double floor = std::log(kProbabilityFloor);
    for (std::size_t l = 0; l < labels; ++l)
      dense[at + l] =
          l < log_p.size() && std::isfinite(log_p[l]) ? std::max(floor, log_p[l]) : floor;
    at += labels;
  }
  if (parts.svm) {
    for (std::size_t l = 0; l < labels && l < svm.size(); ++l) dense[at + l] = svm[l];
    at += labels;
  }
  if (parts.neighbours) {
    if (!nearest.empty() && nearest[0].label < labels) {
      const double s = nearest[0].similarity;
      const std::size_t l = nearest[0].label;
      dense[at + l] = s;
      dense[at + labels + l] = s * s;
      dense[at + 2 * labels + l] = s > kLooseCopy ? 1.0 : 0.0;
      dense[at + 3 * labels + l] = s > kNearCopy ? 1.0 : 0.0;
    }
    for (const Neighbour& n : nearest)
      if (n.label < labels) dense[at + 4 * labels + n.label] += std::pow(double(n.similarity), 4);
    dense[at + 5 * labels] = nearest.empty() ? 0.0 : nearest[0].similarity;
  }
  SparseVector out;
  for (std::size_t i = 0; i < dense.size(); ++i)
    if (dense[i] != 0.0)
      out.push_back({static_cast<std::uint32_t>(i), static_cast<float>(dense[i])});
  return out;
}

}  // namespace st::learned_model
