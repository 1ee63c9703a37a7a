#pragma once
// A trained classifier over normalized ticket text, immutable once built: any number of
// threads may predict at once. At its core a fastText model; with enough examples it also
// remembers the labeled tickets (nearest neighbours) and has a linear SVM over word n-grams,
// and a combiner trained on held-out folds weighs the three (stack.hpp). The model file is
// one self-describing file:
//   line 1  "smartticket-fasttext 2" (version 1 files, fastText alone, still load)
//   line 2  JSON metadata (version, department names, calibration, the combiner, the
//           remembered tickets, sizes and checksum of the rest)
//   rest    the fastText binary model, exactly as fastText writes it, then the SVM's weights
// Labels inside fastText are indices ("__label__3"): department names contain spaces and
// commas, which fastText labels cannot.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace st::learned_model {

namespace detail {
class Engine;  // fastText's model (fasttext/engine.hpp)
class Stack;   // the other parts and the combiner (stack.hpp)
}  // namespace detail

class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TrainingOptions {
  // Defaults chosen on the cold-start set (docs/categorization.md): character n-grams let
  // the model recognize words it saw only inflected or misspelled ("reimbursment").
  int epoch = 60;
  double lr = 0.5;
  int dim = 32;
  int word_ngrams = 1;
  int minn = 3;  // character n-grams (subwords); 0 turns them off
  int maxn = 5;
  int min_count = 1;
  int bucket = 50'000;  // hash buckets for word n-grams and subwords (memory: bucket x dim)
  int threads = 1;      // one thread keeps training deterministic for a given seed
  int seed = 7;
  // Fit a softmax temperature on held-out predictions so that confidence means what it says
  // (fastText trained for many epochs is over-confident). Costs one extra training on two
  // thirds of the examples.
  bool calibrate = true;
  // Stacking (stack.hpp; measured in docs/categorization.md). With at least 50 examples
  // the combiner learns from `stack_folds` held-out folds, which trains fastText that many
  // more times; below 2 folds the model is fastText alone, calibrated as above.
  int stack_folds = 5;
  int neighbours = 5;  // remembered tickets consulted per prediction; 0: no memory
  int svm_ngrams = 3;  // the SVM reads word n-grams up to this length; 0: no SVM
  double svm_c = 3.0;  // the SVM's inverse regularization (high: trusts rare n-grams)
  double combiner_c = 1.0;
};

struct Example {
  std::string text;  // normalized, one line
  std::size_t label = 0;
  int weight = 1;
};

struct ModelInfo {
  std::string version;
  std::vector<std::string> labels;  // department names; predictions come in this order
  std::string features;             // how texts were normalized (must match at prediction)
  double temperature = 1.0;
  std::int64_t label_watermark = 0;
  std::size_t examples = 0;
  std::string trained_at;  // ISO-8601 UTC
  TrainingOptions options;
};

// `text` without any occurrence of the space-separated word `term`, into `out`.
void text_without(std::string_view text, std::string_view term, std::string& out);
// The distinct space-separated words of `text` in order of first appearance, at most `limit`:
// the terms a leave-one-out tries (ModelCategorizer::telling_terms).
std::vector<std::string_view> distinct_terms(std::string_view text, std::size_t limit);

class TextModel {
 public:
  // Trains on `examples` (labels index info.labels). info.version, temperature and examples
  // are filled in. Throws ModelError when the examples cannot make a classifier (fewer than
  // two labels, no words).
  static std::shared_ptr<const TextModel> train(const std::vector<Example>& examples,
                                                const TrainingOptions& options, ModelInfo info);
  // Throws ModelError when the file is missing, truncated, altered or not a model.
  static std::shared_ptr<const TextModel> load(const std::string& path);
  // Writes to a temporary file next to `path` and renames it: readers see the old file or the
  // new one, never half of one.
  void save(const std::string& path) const;

  // Calibrated probability of every label (info().labels order), summing to 1. Thread-safe.
  std::vector<double> probabilities(std::string_view normalized_text) const;
  // fastText's own probabilities (softened by the temperature), without the stack's other
  // parts: a fraction of the cost of probabilities(), for comparing many variants of one
  // text where only their order matters (ModelCategorizer::telling_terms). The same as
  // probabilities() for a model that is fastText alone.
  std::vector<double> fasttext_probabilities(std::string_view normalized_text) const;
  // fasttext_probabilities() of the text without each of `terms` (text_without()), in the
  // order of `terms`. One pass leaves each term out of fastText's hidden vector instead of
  // predicting each variant (the same to rounding, ~1e-7; a model or text that pass cannot
  // read, such as a quantized model, is predicted variant by variant). predict_each is the
  // reference the pass is tested and measured against.
  enum class LeaveOneOut { one_pass, predict_each };
  std::vector<std::vector<double>> fasttext_probabilities_without(
      std::string_view normalized_text, const std::vector<std::string_view>& terms,
      LeaveOneOut how = LeaveOneOut::one_pass) const;
  // probabilities() of the text without each of `terms`: fastText's part as above, the
  // stack's parts (when stacked) reading each variant.
  std::vector<std::vector<double>> probabilities_without(
      std::string_view normalized_text, const std::vector<std::string_view>& terms,
      LeaveOneOut how = LeaveOneOut::one_pass) const;
  // Whether the model has more than fastText (then fasttext_probabilities() is only a proxy).
  bool stacked() const { return stack_ != nullptr; }
  // "fasttext", or "fasttext+svm+neighbours" for a stacked model: what the model is made of.
  std::string parts() const;
  const ModelInfo& info() const { return info_; }

  TextModel(std::unique_ptr<detail::Engine> engine, ModelInfo info,
            std::unique_ptr<const detail::Stack> stack = nullptr);
  ~TextModel();

 private:
  // The engine's one-pass answers without each term (log, before the temperature); nullopt
  // when `how` asks for predictions or the engine cannot reproduce this model or text.
  std::optional<std::vector<std::vector<double>>> one_pass_log_probabilities(
      std::string_view normalized_text, const std::vector<std::string_view>& terms,
      LeaveOneOut how) const;
  std::unique_ptr<detail::Engine> engine_;
  ModelInfo info_;
  std::vector<std::size_t> label_of_output_;    // fastText's label id -> index into info_.labels
  std::unique_ptr<const detail::Stack> stack_;  // null: fastText alone
};

}  // namespace st::learned_model
