#include "domain/explanation.hpp"

#include <algorithm>

namespace st::domain {

Explanation manual_explanation(const std::string& department, int confidence, const Actor& actor,
                               const std::string& reason) {
  Explanation e;
  e.decided_by = CategorizedBy::manual;
  e.candidates = {{department, confidence}};
  if (!reason.empty()) e.evidence.push_back(reason);
  e.actor = actor;
  return e;
}

Explanation plain_explanation(CategorizedBy by, const std::string& version,
                              const std::string& department, int confidence,
                              const std::string& reason) {
  Explanation e;
  e.decided_by = by;
  e.version = version;
  e.candidates = {{department, confidence}};
  if (!reason.empty()) e.evidence.push_back(reason);
  return e;
}

void normalize(Explanation& e) {
  std::stable_sort(
      e.candidates.begin(), e.candidates.end(),
      [](const Candidate& a, const Candidate& b) { return a.confidence > b.confidence; });
  std::vector<Candidate> kept;
  for (auto& c : e.candidates) {
    const bool seen = std::any_of(kept.begin(), kept.end(),
                                  [&](const Candidate& k) { return k.department == c.department; });
    if (!seen && kept.size() < kMaxCandidates) kept.push_back(std::move(c));
  }
  e.candidates = std::move(kept);
  if (e.evidence.size() > kMaxEvidence) e.evidence.resize(kMaxEvidence);
}

}  // namespace st::domain
