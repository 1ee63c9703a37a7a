#pragma once
// The learned categorizer's settings (src/learned_model/) from the configuration: where its
// file and cold-start set are, how it reads text, when it retrains. Shared by `serve` and the
// `model` / `categorize` commands, so they all read text the same way.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "learned_model/learned_categorizer.hpp"
#include "learned_model/model_categorizer.hpp"
#include "learned_model/model_text.hpp"
#include "learned_model/model_training.hpp"
#include "ports/training_examples.hpp"

namespace st::app {

std::string model_file_of(const Config& c);
std::string cold_start_file_of(const Config& c);
// The shipped cold-start set (or the configured file). Throws learned_model::DataError.
std::vector<ports::LabeledText> load_cold_start(const Config& c);
learned_model::TrainingPolicy training_policy(const Config& c);
learned_model::ModelCategorizerOptions model_options(
    const Config& c, learned_model::ModelFeatures features = learned_model::ModelFeatures::stems);

// The learned categorizer of a running server, with a model in use when it returns (see
// learned_categorizer.hpp). `store` must outlive it; `watermark_poll`: see TrainingPolicy
// (non-zero when other processes record into the same store).
std::unique_ptr<learned_model::LearnedCategorizer> learned_categorizer(
    const Config& c, ports::TrainingExampleStore& store,
    std::chrono::milliseconds watermark_poll = {});

}  // namespace st::app
