#pragma once
// A linear classifier over sparse features: an L2-regularized linear SVM, or L2-regularized
// logistic regression whose outputs are probabilities. Used twice by the learned model: an
// SVM over word n-grams, and the logistic regression that combines its parts. A trained
// classifier is a plain weight matrix, an immutable value that can be saved and shared
// between threads. Scoring is pure code (linear_classifier.cpp); training is done by
// LIBLINEAR (Debian liblinear-dev) in liblinear/linear_trainer.cpp, the only file that sees
// its API, so its callers (the stack, stack.cpp) do not.
#include <cstddef>
#include <string>
#include <vector>

#include "learned_model/features/tfidf.hpp"

namespace st::learned_model {

enum class LinearKind { svm, logistic };

struct LinearOptions {
  LinearKind kind = LinearKind::svm;
  double c = 1.0;  // inverse regularization strength
};

class LinearClassifier {
 public:
  LinearClassifier() = default;
  // x[i] is example i (term ids < features), y[i] its class (< classes). Classes with no
  // example are never predicted. Throws std::invalid_argument on inconsistent input.
  // Implemented over LIBLINEAR (liblinear/linear_trainer.cpp).
  static LinearClassifier train(const std::vector<SparseVector>& x,
                                const std::vector<std::size_t>& y, std::size_t classes,
                                std::size_t features, LinearOptions options);

  // One score per class: the SVM margin, or the logistic regression's log-odds. A class
  // without examples gets kAbsent.
  std::vector<double> decision_values(const SparseVector& x) const;
  // Logistic regression only: the one-vs-rest probabilities, normalized to sum to 1.
  std::vector<double> probabilities(const SparseVector& x) const;

  std::size_t classes() const { return classes_; }
  std::size_t features() const { return features_; }
  const LinearOptions& options() const { return options_; }

  // Raw weights, for saving: (features + 1) x classes, row-major, the bias last.
  const std::vector<float>& weights() const { return weights_; }
  const std::vector<bool>& present() const { return present_; }
  static LinearClassifier from_weights(LinearOptions options, std::size_t classes,
                                       std::size_t features, std::vector<float> weights,
                                       std::vector<bool> present);

  static constexpr double kAbsent = -10.0;

 private:
  LinearOptions options_;
  std::size_t classes_ = 0;
  std::size_t features_ = 0;
  std::vector<float> weights_;
  std::vector<bool> present_;
};

}  // namespace st::learned_model
