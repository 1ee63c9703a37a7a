#pragma once
// Keeps the learned model current. It consumes ticket.routed and keeps the labels worth
// learning from in the categorizer's own table (ports::TrainingExampleStore): an agent's
// routing (a human label, which always wins) and a Claude decision at or above a confidence.
// A background thread retrains the model, from the shipped cold-start set plus those
// examples, once enough labels changed and on a schedule; the model swaps itself in. "Enough
// labels changed" is read from the store's watermark, so with a store shared by several
// instances (distributed mode) every instance's labels count, seen by polling the watermark.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ports/event_bus.hpp"
#include "ports/learned_model.hpp"
#include "ports/training_examples.hpp"

namespace st::learned_model {

struct TrainingPolicy {
  // Retrain once this many labels changed since the model in use was trained; 0: never.
  std::int64_t retrain_after_labels = 50;
  // Retrain this often when any label changed; 0: never.
  std::chrono::seconds retrain_interval{3600};
  // A Claude decision becomes a label only at or above this confidence.
  int min_claude_confidence = 80;
  // An agent's label counts this many times: one correction must outweigh the many similar
  // tickets the model learned the other way.
  int human_weight = 3;
  // Newest labeled examples used for training (bounds training time and memory).
  std::size_t max_examples = 50'000;
  // How often to read the store's watermark for labels this process did not record: a store
  // shared by several categorizer instances, each consuming only its share of the labels.
  // 0: only this process's own labels (and the schedule) wake the trainer.
  std::chrono::milliseconds watermark_poll{0};
};

// The cold-start set followed by the store's examples, newest first, weighted by source.
std::vector<ports::LabeledText> training_set(const std::vector<ports::LabeledText>& cold_start,
                                             ports::TrainingExampleStore& store,
                                             const TrainingPolicy& policy);

class ModelTrainingService final : public ports::ModelTrainer {
 public:
  ModelTrainingService(ports::TrainingExampleStore& store, ports::LearnedModel& model,
                       std::vector<ports::LabeledText> cold_start, TrainingPolicy policy);
  ~ModelTrainingService();
  ModelTrainingService(const ModelTrainingService&) = delete;
  ModelTrainingService& operator=(const ModelTrainingService&) = delete;

  // Consumer of ticket.routed, a batch at a time (one write for the batch).
  std::vector<ports::Disposition> on_routed(const std::vector<ports::Delivery>& batch);

  // The cold-start set followed by the stored examples, newest first.
  std::vector<ports::LabeledText> training_set();
  // Trains now, in this thread; returns the new version.
  std::string retrain_now();
  // First start: trains a model in this thread when the model has none.
  void ensure_model();
  // Whether enough labels changed since the model in use was trained.
  bool retrain_due();
  ports::TrainingStatus status() override;

  // The background retraining thread.
  void start();
  void stop();

 private:
  void run();

  ports::TrainingExampleStore& store_;
  ports::LearnedModel& model_;
  std::vector<ports::LabeledText> cold_start_;
  TrainingPolicy policy_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool labels_changed_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace st::learned_model
