#pragma once
// The categorizer's strategies, built from the configuration, in the order they are asked:
// Claude (behind its answer cache) → the learned model (when turned on) → keywords. One
// place for both modes: the embedded system and the distributed categorizer process compose
// the same chain.
#include <memory>
#include <vector>

#include "adapters/anthropic/claude_categorizer.hpp"
#include "app/config.hpp"
#include "app/learned_model.hpp"
#include "metrics/registry.hpp"
#include "services/categorizer/caching_categorizer.hpp"
#include "services/categorizer/categorizer_service.hpp"
#include "services/categorizer/keyword_categorizer.hpp"

namespace st::app {

adapters::anthropic::ClaudeOptions claude_options(const Config& c);

class CategorizerChain {
 public:
  // `model_db` holds the learned model's training examples; nullptr or model_enabled=false
  // leaves the model out.
  CategorizerChain(const Config& c, metrics::Registry& metrics,
                   adapters::sqlite::Database* model_db);

  std::vector<ports::Categorizer*> strategies();
  services::categorizer::CategorizerOptions service_options() const;
  // The learned model's retraining service, or nullptr without a model.
  services::categorizer::ModelTrainingService* training() {
    return learned_ ? &learned_->training : nullptr;
  }

 private:
  const Config config_;
  metrics::Registry& metrics_;
  adapters::anthropic::ClaudeCategorizer claude_;
  services::categorizer::CachingCategorizer cached_claude_;
  std::unique_ptr<LearnedCategorizer> learned_;
  services::categorizer::KeywordCategorizer keywords_;
};

}  // namespace st::app
