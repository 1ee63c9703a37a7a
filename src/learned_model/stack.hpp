#pragma once
// The parts a learned model may add to fastText, and the combiner that weighs them
// (stacking): a memory of the labeled tickets (nearest neighbours by character n-grams) and a
// linear SVM over word n-grams. The combiner is a logistic regression trained on what each
// part predicted for tickets it had not been trained on (k folds), so it learns how far to
// trust each part, and its output is a calibrated probability. Internal to TextModel.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "learned_model/fasttext/engine.hpp"
#include "learned_model/features/neighbour_index.hpp"
#include "learned_model/features/stacked_features.hpp"
#include "learned_model/linear_classifier.hpp"

namespace st::learned_model::detail {

class Stack {
 public:
  // Trains the parts on every example and the combiner on k held-out folds (which trains
  // fastText k more times). Null when the options ask for no stacking or the examples are
  // too few for folds.
  static std::unique_ptr<const Stack> train(const std::vector<Example>& examples,
                                            const TrainingOptions& options, std::size_t labels);

  // Calibrated probabilities from fastText's log-probabilities and the text.
  std::vector<double> probabilities(const std::vector<double>& log_p, std::string_view text) const;

  // Saved as JSON metadata plus a binary blob (the SVM's weights); the memory's texts are in
  // the metadata, and the indexes are rebuilt from them on load.
  nlohmann::json metadata() const;
  std::string blob() const;
  static std::unique_ptr<const Stack> load(const nlohmann::json& metadata, std::string_view blob,
                                           std::size_t labels);

  const StackedParts& parts() const { return parts_; }

 private:
  Stack() = default;

  StackedParts parts_;
  std::size_t labels_ = 0;
  int neighbours_ = 0;
  int svm_ngrams_ = 0;
  std::vector<std::string> texts_;
  std::vector<std::size_t> text_labels_;
  std::optional<NeighbourIndex> index_;
  TfidfVectorizer words_;
  LinearClassifier svm_;
  LinearClassifier combiner_;
};

}  // namespace st::learned_model::detail
