// Accuracy floors of the learned categorizer, on the shipped cold-start sets and on the
// shared support-queues data (docs/categorization.md has the full report). Training is
// single-threaded and seeded, so the figures are the same on every run.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "app/learned_model_setup.hpp"
#include "learned_model/labeled_data.hpp"
#include "learned_model/model_categorizer.hpp"
#include "services/categorizer/evaluation.hpp"
#include "services/categorizer/keyword_categorizer.hpp"

namespace st::app {
namespace {

using services::categorizer::Evaluation;

const std::string kModels = SMARTTICKET_MODELS_DIR;
const std::string kSupportQueues = kModels + "/../../shared/data/support-queues/train.csv";

struct Scores {
  double model = 0, chain = 0, keywords = 0;
};

// Trains on `train` and scores the model alone, the chain (model, keywords below the
// minimum confidence) and the keywords alone on `test`.
Scores score(const std::vector<learned_model::Record>& train,
             const std::vector<learned_model::Record>& test,
             learned_model::ModelCategorizerOptions options, int min_confidence) {
  options.model_file.clear();
  options.min_confidence = 0;
  learned_model::ModelCategorizer model(options);
  model.retrain(learned_model::labeled_texts(train), 0);
  std::vector<std::string> departments = model.current()->info().labels;
  services::categorizer::KeywordCategorizer keywords;
  Evaluation alone, chain, rules;
  for (const auto& r : test) {
    const ports::CategorizationRequest request{r.title, r.description, departments};
    const auto m = model.categorize(request);
    const auto k = keywords.classify(request);
    alone.add(r.label, m->department);
    chain.add(r.label, m->confidence >= min_confidence ? m->department : k.department);
    rules.add(r.label, k.department);
  }
  return {alone.accuracy(), chain.accuracy(), rules.accuracy()};
}

TEST(CategorizationAccuracy, ColdStartModelOnTheSeparatelyWrittenEvaluationSet) {
  Config config;
  const auto train =
      learned_model::read_records(kModels + "/cold_start/train.csv", {.need_label = true});
  const auto eval =
      learned_model::read_records(kModels + "/cold_start/eval.csv", {.need_label = true});
  ASSERT_GE(train.size(), 400u);
  ASSERT_GE(eval.size(), 100u);
  const auto s = score(train, eval, model_options(config), config.model_min_confidence);
  // What the service does (model, keywords where it is unsure) gets 9 tickets in 10 right,
  // and the model alone does better than the keywords alone.
  EXPECT_GE(s.chain, 0.90);
  EXPECT_GE(s.model, 0.88);
  EXPECT_GT(s.model, s.keywords);
}

std::optional<learned_model::Split> support_queues_split() {
  if (!std::filesystem::exists(kSupportQueues)) return std::nullopt;
  auto rows = learned_model::read_records(
      kSupportQueues, {.text = {"combined_text"}, .label = "queue_grouped", .need_label = true});
  return learned_model::holdout_split(std::move(rows), 0.2, 42);
}

TEST(CategorizationAccuracy, SupportQueuesSeededHoldoutFastTextAlone) {
  const auto split = support_queues_split();
  if (!split)
    GTEST_SKIP() << "shared data set not found at " << kSupportQueues
                 << " (it is not part of the repository)";
  Config config;
  // The tuned fastText-alone variant of docs/categorization.md.
  auto options = model_options(config, learned_model::ModelFeatures::stems_nostop);
  options.training = {.epoch = 40,
                      .lr = 1.0,
                      .dim = 32,
                      .word_ngrams = 2,
                      .minn = 0,
                      .maxn = 0,
                      .min_count = 3,
                      .bucket = 1'000'000,
                      .calibrate = false,
                      .stack_folds = 0};
  const auto s = score(split->train, split->test, options, 0);
  // Majority class: 0.40 on this split; default fastText settings: 0.50.
  EXPECT_GE(s.model, 0.55);
}

TEST(CategorizationAccuracy, SupportQueuesSeededHoldoutStacked) {
  const auto split = support_queues_split();
  if (!split)
    GTEST_SKIP() << "shared data set not found at " << kSupportQueues
                 << " (it is not part of the repository)";
  Config config;
  // The recommended stacked settings of docs/categorization.md: fastText, the memory of
  // labeled tickets and the word n-gram SVM, combined on 10 held-out folds.
  auto options = model_options(config, learned_model::ModelFeatures::words_nostop);
  options.training = {.epoch = 25,
                      .lr = 1.0,
                      .dim = 32,
                      .word_ngrams = 2,
                      .minn = 0,
                      .maxn = 0,
                      .bucket = 1'000'000,
                      .calibrate = false,
                      .stack_folds = 10};
  const auto s = score(split->train, split->test, options, 0);
  // The bar on this split. Training is single-threaded and seeded, so this is the
  // same figure on every run (0.603); on other seeded splits these settings average 0.57.
  EXPECT_GE(s.model, 0.60);
}

}  // namespace
}  // namespace st::app
