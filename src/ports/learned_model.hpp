#pragma once
// The learned categorizer seen from the service that retrains it (the same object also
// answers as a ports::Categorizer in the chain), and that service seen from the categorizer
// service, which reports how far training has come.
#include <cstdint>
#include <string>
#include <vector>

namespace st::ports {

struct LabeledText {
  std::string title;
  std::string description;
  std::string department;
  int weight = 1;  // how many times the example counts (a human's label counts more)
};

class LearnedModel {
 public:
  virtual ~LearnedModel() = default;
  // Trains a new model on `examples` and puts it in use; predictions already running finish
  // on the previous one. `label_watermark` is remembered with the model (see
  // TrainingExampleStore::label_watermark). Returns the new model's version. Runs in the
  // caller's thread; throws (keeping the current model) when no model can be trained.
  virtual std::string retrain(const std::vector<LabeledText>& examples,
                              std::int64_t label_watermark) = 0;
  // Whether a model is in use at all.
  virtual bool ready() const = 0;
  // The watermark of the model in use; 0 when it was trained before any label existed.
  virtual std::int64_t label_watermark() const = 0;
  virtual std::string version() const = 0;
};

// Where the retraining stands: the store's watermark and the model's.
struct TrainingStatus {
  std::int64_t label_watermark = 0;        // label changes the store has seen, by every instance
  std::int64_t model_label_watermark = 0;  // the label_watermark the model in use was trained at
};

// The learned model's trainer seen from the categorizer service, whose /health shows it.
class ModelTrainer {
 public:
  virtual ~ModelTrainer() = default;
  // Reads the store's watermark; throws when the store cannot be read.
  virtual TrainingStatus status() = 0;
};

}  // namespace st::ports
