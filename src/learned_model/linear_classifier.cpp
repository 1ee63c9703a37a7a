#include "learned_model/linear_classifier.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace st::learned_model {

LinearClassifier LinearClassifier::from_weights(LinearOptions options, std::size_t classes,
                                                std::size_t features, std::vector<float> weights,
                                                std::vector<bool> present) {
  if (weights.size() != (features + 1) * classes || present.size() != classes)
    throw std::invalid_argument("linear classifier: weights do not match the sizes");
  LinearClassifier out;
  out.options_ = options;
  out.classes_ = classes;
  out.features_ = features;
  out.weights_ = std::move(weights);
  out.present_ = std::move(present);
  return out;
}

std::vector<double> LinearClassifier::decision_values(const SparseVector& x) const {
  std::vector<double> out(classes_, 0.0);
  const float* bias = weights_.data() + features_ * classes_;
  for (std::size_t c = 0; c < classes_; ++c) out[c] = bias[c];
  for (const auto& t : x) {
    if (t.id >= features_) continue;
    const float* row = weights_.data() + static_cast<std::size_t>(t.id) * classes_;
    for (std::size_t c = 0; c < classes_; ++c) out[c] += static_cast<double>(row[c]) * t.weight;
  }
  for (std::size_t c = 0; c < classes_; ++c)
    if (!present_[c]) out[c] = kAbsent;
  return out;
}

std::vector<double> LinearClassifier::probabilities(const SparseVector& x) const {
  auto p = decision_values(x);
  double sum = 0;
  for (std::size_t c = 0; c < classes_; ++c) {
    p[c] = present_[c] ? 1.0 / (1.0 + std::exp(-p[c])) : 0.0;
    sum += p[c];
  }
  for (auto& v : p) v = sum > 0 ? v / sum : 1.0 / static_cast<double>(classes_);
  return p;
}

}  // namespace st::learned_model
