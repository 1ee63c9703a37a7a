#include "app/learned_model_setup.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "learned_model/labeled_data.hpp"

namespace st::app {

std::string model_file_of(const Config& c) {
  if (!c.model_file.empty()) return c.model_file;
  return (std::filesystem::path(c.data_dir) / "categorizer.model").string();
}

std::string cold_start_file_of(const Config& c) {
  if (!c.model_cold_start_file.empty()) return c.model_cold_start_file;
  return std::string(SMARTTICKET_MODELS_DIR) + "/cold_start/train.csv";
}

std::vector<ports::LabeledText> load_cold_start(const Config& c) {
  learned_model::Columns columns;
  columns.need_label = true;
  return learned_model::labeled_texts(learned_model::read_records(cold_start_file_of(c), columns));
}

learned_model::TrainingPolicy training_policy(const Config& c) {
  learned_model::TrainingPolicy p;
  p.retrain_after_labels = c.model_retrain_after;
  p.retrain_interval = std::chrono::seconds(c.model_retrain_interval_s);
  p.min_claude_confidence = c.model_claude_min_confidence;
  return p;
}

learned_model::ModelCategorizerOptions model_options(const Config& c,
                                                     learned_model::ModelFeatures features) {
  learned_model::ModelCategorizerOptions o;
  o.normalize = [features](std::string_view title, std::string_view description) {
    return learned_model::model_text(title, description, features);
  };
  o.features = std::string(learned_model::to_string(features));
  o.model_file = model_file_of(c);
  o.min_confidence = c.model_min_confidence;
  o.training.stack_folds = c.model_stack_folds;
  return o;
}

namespace {

// A missing or broken cold-start file must not keep the helpdesk from starting: without a
// model the keywords decide, and agents' labels can still train one later.
std::vector<ports::LabeledText> cold_start_or_none(const Config& c) {
  try {
    return load_cold_start(c);
  } catch (const std::exception& e) {
    spdlog::error("learned model: no cold-start set: {}", e.what());
    return {};
  }
}

}  // namespace

std::unique_ptr<learned_model::LearnedCategorizer> learned_categorizer(
    const Config& c, ports::TrainingExampleStore& store, std::chrono::milliseconds watermark_poll) {
  auto policy = training_policy(c);
  policy.watermark_poll = watermark_poll;
  return std::make_unique<learned_model::LearnedCategorizer>(model_options(c), store,
                                                             cold_start_or_none(c), policy);
}

}  // namespace st::app
