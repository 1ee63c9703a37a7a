#pragma once
// The categorizer's strategies, built from the configuration, in the order they are asked:
// Claude (behind its answer cache) → the learned model (when turned on) → keywords. One
// place for both modes: the embedded system and the distributed categorizer process compose
// the same chain.
#include <chrono>
#include <memory>
#include <vector>

#include "adapters/anthropic/claude_categorizer.hpp"
#include "app/config.hpp"
#include "app/learned_model_setup.hpp"
#include "metrics/registry.hpp"
#include "ports/training_examples.hpp"
#include "services/categorizer/caching_categorizer.hpp"
#include "services/categorizer/categorizer_service.hpp"
#include "services/categorizer/keyword_categorizer.hpp"

namespace st::app {

adapters::anthropic::ClaudeOptions claude_options(const Config& c);

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
  services::categorizer::KeywordCategorizer keywords_;
};

}  // namespace st::app
