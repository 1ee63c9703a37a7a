#pragma once
// The learned categorizer of a running server: the model strategy and the service that keeps
// it current, built together. The constructor leaves a model in use: the saved one, or
// (first start, or a file that cannot be used) one trained from the cold-start set and
// whatever labels the store holds, saved for the next start. A model that cannot be had at
// all is logged, not thrown: the keywords decide until one can be trained.
#include <vector>

#include "learned_model/model_categorizer.hpp"
#include "learned_model/model_training.hpp"
#include "ports/learned_model.hpp"
#include "ports/training_examples.hpp"

namespace st::learned_model {

struct LearnedCategorizer {
  // `store` must outlive it.
  LearnedCategorizer(ModelCategorizerOptions options, ports::TrainingExampleStore& store,
                     std::vector<ports::LabeledText> cold_start, TrainingPolicy policy);

  ModelCategorizer model;
  ModelTrainingService training;
};

}  // namespace st::learned_model
