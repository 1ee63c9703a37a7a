#pragma once
// The inputs of the learned model's combiner (a logistic regression trained on held-out
// predictions of the parts: stacking). For L departments:
//   fastText   L   log-probability of each department, floored at 1e-4
//   SVM        L   the word n-gram SVM's margin for each department
//   neighbours 5L+1: the most similar earlier ticket's similarity on its department, its
//              square, and whether it passes 0.35 and 0.5 (a linear combiner can then trust
//              a near copy far more than a loose match, which a similarity alone cannot
//              say); the neighbours' votes, each similarity^4 (a near copy outvotes four
//              loose matches); and the top similarity itself
// A part that is switched off contributes nothing, so the layout is fixed by which parts a
// model has.
#include <cstddef>
#include <optional>
#include <vector>

#include "learned_model/features/neighbour_index.hpp"
#include "learned_model/features/tfidf.hpp"

namespace st::learned_model {

struct StackedParts {
  bool fasttext = true;
  bool svm = false;
  bool neighbours = false;
};

std::size_t stacked_width(const StackedParts& parts, std::size_t labels);

// log_p: fastText's log-probabilities (-inf for a department it never saw); svm: margins;
// nearest: from NeighbourIndex::nearest. Unused arguments of switched-off parts are ignored.
SparseVector stacked_features(const StackedParts& parts, std::size_t labels,
                              const std::vector<double>& log_p, const std::vector<double>& svm,
                              const std::vector<Neighbour>& nearest);

}  // namespace st::learned_model
