#include "learned_model/learned_categorizer.hpp"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace st::learned_model {

LearnedCategorizer::LearnedCategorizer(ModelCategorizerOptions options,
                                       ports::TrainingExampleStore& store,
                                       std::vector<ports::LabeledText> cold_start,
                                       TrainingPolicy policy)
    : model(std::move(options)), training(store, model, std::move(cold_start), policy) {
  try {
    if (model.load()) spdlog::info("learned model {} loaded", model.version());
  } catch (const std::exception& e) {
    spdlog::warn("learned model: {}; training a new one", e.what());
  }
  try {
    training.ensure_model();
  } catch (const std::exception& e) {
    spdlog::error("learned model: cannot train one ({}); the keywords decide until it can",
                  e.what());
  }
}

}  // namespace st::learned_model
