#pragma once
// The categorizer's strategies, built from the configuration, in the order they are asked:
// Claude (behind its answer cache) → the learned model (when turned on; only for tickets in
// a language it was trained on) → keywords. One place for both modes: the embedded system
// and the distributed categorizer process compose the same chain.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "adapters/anthropic/claude_categorizer.hpp"
#include "adapters/cld2/cld2_language_detector.hpp"
#include "app/config.hpp"
#include "app/learned_model_setup.hpp"
#include "metrics/registry.hpp"
#include "ports/training_examples.hpp"
#include "services/categorizer/caching_categorizer.hpp"
#include "services/categorizer/categorizer_service.hpp"
#include "services/categorizer/keyword_categorizer.hpp"
#include "services/categorizer/language_gated_categorizer.hpp"

namespace st::app {

adapters::anthropic::ClaudeOptions claude_options(const Config& c);

// The languages of the learned model's training data (models/cold_start holds a few tickets
// in other languages, far too few to decide them): it is asked about these only.
inline const std::set<std::string> kLearnedModelLanguages{"en"};

class CategorizerChain {
 public:
  // `training_store` holds the learned model's training examples (the embedded database, or
  // PostgreSQL shared by every categorizer instance, whose labels the trainer then sees by
  // polling the watermark every `watermark_poll`); nullptr or model_enabled=false leaves
  // the model out.
  CategorizerChain(const Config& c, metrics::Registry& metrics,
                   ports::TrainingExampleStore* training_store,
                   std::chrono::milliseconds watermark_poll = {});

  std::vector<ports::Categorizer*> strategies();
  services::categorizer::CategorizerOptions service_options() const;
  // The learned model's retraining service, or nullptr without a model.
  learned_model::ModelTrainingService* training() {
    return learned_ ? &learned_->training : nullptr;
  }

 private:
  const Config config_;
  metrics::Registry& metrics_;
  adapters::anthropic::ClaudeCategorizer claude_;
  services::categorizer::CachingCategorizer cached_claude_;
  std::unique_ptr<learned_model::LearnedCategorizer> learned_;
  adapters::cld2::Cld2LanguageDetector languages_;
  std::unique_ptr<services::categorizer::LanguageGatedCategorizer> gated_model_;  // with learned_
  services::categorizer::KeywordCategorizer keywords_;
};

}  // namespace st::app
