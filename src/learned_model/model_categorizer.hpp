#pragma once
// The learned strategy of the categorizer chain: a fastText model over normalized ticket
// text. It answers only when its calibrated probability reaches the configured confidence;
// below that the next strategy (keywords, or General) decides. A retrained model replaces the
// current one atomically: a prediction in flight keeps the model it started with.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "learned_model/text_model.hpp"
#include "ports/categorizer.hpp"
#include "ports/learned_model.hpp"

namespace st::learned_model {

// Turns a ticket's title and description into the one-line text the model reads. Given by
// the application so that training, prediction and the command-line tools share it.
using TextNormalizer =
    std::function<std::string(std::string_view title, std::string_view description)>;

struct ModelCategorizerOptions {
  TextNormalizer normalize;
  std::string features;     // the normalizer's name, recorded in (and checked against) models
  std::string model_file;   // where retrained models are saved; empty: kept in memory only
  int min_confidence = 50;  // 0-100: below it the model does not decide
  TrainingOptions training;
};

class ModelCategorizer final : public ports::Categorizer, public ports::LearnedModel {
 public:
  explicit ModelCategorizer(ModelCategorizerOptions options);

  // Loads options.model_file. False (and no model) when the file does not exist; throws
  // ModelError when it exists but is unusable or was made with other features.
  bool load();
  // Puts a model in use (tests, tools).
  void use(std::shared_ptr<const TextModel> model);
  std::shared_ptr<const TextModel> current() const { return model_.load(); }

  std::optional<ports::Categorization> categorize(
      const ports::CategorizationRequest& request) override;
  std::string_view name() const override { return "model"; }

  // Trains, saves to options.model_file (when set), then swaps the new model in.
  std::string retrain(const std::vector<ports::LabeledText>& examples,
                      std::int64_t label_watermark) override;
  bool ready() const override { return model_.load() != nullptr; }
  std::int64_t label_watermark() const override;
  std::string version() const override;

  // The best department among `departments` (every label when empty) and its probability.
  // Not renormalized over the allowed ones: when the model is sure of a department that is
  // no longer active, what is left is a low probability and the next strategy decides.
  // nullopt when the model knows none of the departments.
  struct Prediction {
    std::string department;
    double probability = 0;
    std::string runner_up;
    double runner_up_probability = 0;
  };
  static std::optional<Prediction> best_of(const TextModel& model, std::string_view text,
                                           const std::vector<std::string>& departments);

  // What made the model choose `department` for the normalized `text`: the terms whose
  // removal raises the other departments' share most (by a factor), most telling first, at
  // most kMaxTellingTerms; one that raises it by less than kMinTermEffect (relative) is not
  // named. Measured on the others' share, not on the department's probability: a model sure
  // of its answer gives 1.0 with or without a term, while the others' small probabilities
  // still move. fastText's answers without each term come from one pass over the text
  // (TextModel::fasttext_probabilities_without), not a prediction per term. A stacked model
  // takes two passes, because the stack's parts (the SVM and the remembered tickets) read each
  // variant again, tens of microseconds each, and a ticket has up to kMaxTermsTried distinct
  // terms (the title's first): fastText alone ranks the terms; then the whole model measures
  // the kMaxTermsMeasured best of them, and its figures decide and are quoted. `with` is the
  // whole model's answer for `text` (computed when not given).
  struct TellingTerm {
    std::string text;      // as the model reads it (normalized: a stem)
    double with = 0.0;     // the department's probability with the whole text
    double without = 0.0;  // and without this term
  };
  static constexpr std::size_t kMaxTermsTried = 24;
  static constexpr std::size_t kMaxTermsMeasured = 5;
  static constexpr std::size_t kMaxTellingTerms = 3;
  static constexpr double kMinTermEffect = 0.05;
  // `how` (tests and benchmarks) chooses how fastText's answers without each term are computed.
  static std::vector<TellingTerm> telling_terms(
      const TextModel& model, std::string_view text, const std::string& department,
      const std::vector<double>* with = nullptr,
      TextModel::LeaveOneOut how = TextModel::LeaveOneOut::one_pass);

 private:
  // The allowed departments (every label when `departments` is empty), as the request
  // spells them, with their probabilities `p`, most probable first.
  static std::vector<std::pair<std::string, double>> ranked(
      const TextModel& model, const std::vector<double>& p,
      const std::vector<std::string>& departments);

  ModelCategorizerOptions options_;
  std::atomic<std::shared_ptr<const TextModel>> model_;
  std::mutex training_;  // one training at a time
};

}  // namespace st::learned_model
