#pragma once
// Wiring of the learned categorizer (the fastText adapter and the service that retrains it
// from a training-example store) for one process, from the configuration. Shared by `serve`
// and the `model` / `categorize` commands, so they all read text the same way.
#include <chrono>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "learned_model/model_categorizer.hpp"
#include "learned_model/model_text.hpp"
#include "learned_model/model_training.hpp"
#include "ports/training_examples.hpp"

namespace st::app {

std::string model_file_of(const Config& c);
std::string cold_start_file_of(const Config& c);
// The shipped cold-start set (or the configured file). Throws DataError.
std::vector<ports::LabeledText> load_cold_start(const Config& c);
learned_model::TrainingPolicy training_policy(const Config& c);
learned_model::ModelCategorizerOptions model_options(
    const Config& c, learned_model::ModelFeatures features = learned_model::ModelFeatures::stems);

// The learned categorizer of a running server. The constructor leaves a model in use: the
// saved one, or (first start, or a file that cannot be used) one trained from the
// cold-start set and whatever labels the store holds, saved for the next start.
// `store` must outlive it; `watermark_poll`: see TrainingPolicy (non-zero when other
// processes record into the same store).
struct LearnedCategorizer {
  LearnedCategorizer(const Config& c, ports::TrainingExampleStore& store,
                     std::chrono::milliseconds watermark_poll = {});

  learned_model::ModelCategorizer model;
  learned_model::ModelTrainingService training;
};

}  // namespace st::app
