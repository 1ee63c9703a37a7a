#include "app/categorizer_chain.hpp"

namespace st::app {

adapters::anthropic::ClaudeOptions claude_options(const Config& c) {
  using std::chrono::milliseconds;
  const auto budget =
      services::categorizer::CategorizerService::decision_budget(milliseconds(c.create_timeout_ms));
  return {
      .api_key = c.anthropic_api_key,
      .base_url = c.anthropic_base_url,
      .model = c.anthropic_model,
      .connect_timeout = milliseconds(c.claude_connect_timeout_ms),
      .request_timeout = milliseconds(c.claude_timeout_ms),
      // Without a create deadline (create_timeout 0), every attempt may run to its timeout.
      .budget =
          budget.count() > 0 ? budget : milliseconds(c.claude_timeout_ms * c.claude_max_attempts),
      .retry = {.max_attempts = c.claude_max_attempts,
                .initial_backoff = milliseconds(c.claude_backoff_ms),
                .multiplier = 2.0,
                .max_backoff = milliseconds(c.claude_backoff_max_ms)},
      .breaker = {.failure_threshold = c.claude_breaker_failures,
                  .open_duration = milliseconds(c.claude_breaker_open_ms),
                  .half_open_max_calls = c.claude_breaker_probes,
                  .half_open_successes = 1},
      .max_concurrency = static_cast<std::size_t>(c.claude_concurrency),
      .redact_pii = c.claude_redact_pii,
  };
}

CategorizerChain::CategorizerChain(const Config& c, metrics::Registry& metrics,
                                   ports::TrainingExampleStore* training_store,
                                   std::chrono::milliseconds watermark_poll)
    : config_(c),
      metrics_(metrics),
      claude_(claude_options(c), metrics),
      cached_claude_(claude_,
                     {.capacity = static_cast<std::size_t>(c.claude_cache_size),
                      .ttl = std::chrono::seconds(c.claude_cache_ttl_s)},
                     &metrics),
      learned_(c.model_enabled && training_store
                   ? learned_categorizer(c, *training_store, watermark_poll)
                   : nullptr) {
  if (learned_)
    gated_model_ = std::make_unique<services::categorizer::LanguageGatedCategorizer>(
        learned_->model, languages_, kLearnedModelLanguages, &metrics);
}

std::vector<ports::Categorizer*> CategorizerChain::strategies() {
  std::vector<ports::Categorizer*> out;
  // Without a key Claude stays in the chain alone (nothing to cache): it gives up at once
  // and reports itself degraded in /api/health.
  out.push_back(claude_.enabled() ? static_cast<ports::Categorizer*>(&cached_claude_) : &claude_);
  if (gated_model_) out.push_back(gated_model_.get());
  out.push_back(&keywords_);
  return out;
}

services::categorizer::CategorizerOptions CategorizerChain::service_options() const {
  return {.parallelism = claude_.enabled() ? claude_options(config_).max_concurrency : 1,
          .create_timeout = std::chrono::milliseconds(config_.create_timeout_ms),
          .metrics = &metrics_,
          .training = learned_ ? &learned_->training : nullptr};
}

}  // namespace st::app
