#include "learned_model/model_categorizer.hpp"

#include <malloc.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

namespace st::learned_model {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string percent(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", p * 100.0);
  return buf;
}

}  // namespace

ModelCategorizer::ModelCategorizer(ModelCategorizerOptions options)
    : options_(std::move(options)) {}

bool ModelCategorizer::load() {
  if (options_.model_file.empty() || !std::filesystem::exists(options_.model_file)) return false;
  auto model = TextModel::load(options_.model_file);
  if (model->info().features != options_.features)
    throw ModelError(options_.model_file + " was trained on '" + model->info().features +
                     "' text, this categorizer reads '" + options_.features + "'");
  use(std::move(model));
  return true;
}

void ModelCategorizer::use(std::shared_ptr<const TextModel> model) {
  model_.store(std::move(model));
}

std::optional<ModelCategorizer::Prediction> ModelCategorizer::best_of(
    const TextModel& model, std::string_view text, const std::vector<std::string>& departments) {
  const auto p = model.probabilities(text);
  const auto& labels = model.info().labels;
  // Allowed departments, as the request spells them, with the model's probability for each.
  std::vector<std::pair<std::string, double>> allowed;
  if (departments.empty()) {
    for (std::size_t i = 0; i < labels.size(); ++i) allowed.emplace_back(labels[i], p[i]);
  } else {
    for (const auto& d : departments)
      for (std::size_t i = 0; i < labels.size(); ++i)
        if (same_name(labels[i], d)) {
          allowed.emplace_back(d, p[i]);
          break;
        }
  }
  if (allowed.empty()) return std::nullopt;
  std::sort(allowed.begin(), allowed.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  Prediction out{allowed[0].first, allowed[0].second, "", 0};
  if (allowed.size() > 1) {
    out.runner_up = allowed[1].first;
    out.runner_up_probability = allowed[1].second;
  }
  return out;
}

std::optional<ports::Categorization> ModelCategorizer::categorize(
    const ports::CategorizationRequest& request) {
  const auto model = model_.load();  // this request keeps this model, whatever is swapped in
  if (!model) return std::nullopt;
  const auto best =
      best_of(*model, options_.normalize(request.title, request.description), request.departments);
  if (!best) return std::nullopt;
  const int confidence = static_cast<int>(std::lround(best->probability * 100.0));
  if (confidence < options_.min_confidence) return std::nullopt;
  ports::Categorization c;
  c.department = best->department;
  c.confidence = confidence;
  c.categorized_by = domain::CategorizedBy::model;
  c.reason = "learned model: " + best->department + " " + percent(best->probability);
  if (!best->runner_up.empty())
    c.reason += ", next " + best->runner_up + " " + percent(best->runner_up_probability);
  c.model_version = model->info().version;
  return c;
}

std::string ModelCategorizer::retrain(const std::vector<ports::LabeledText>& examples,
                                      std::int64_t label_watermark) {
  std::lock_guard lock(training_);
  ModelInfo info;
  info.features = options_.features;
  info.label_watermark = label_watermark;
  // Department names are compared ignoring case: "it support" from an old label and
  // "IT Support" are one class, named as first seen.
  std::vector<Example> normalized;
  normalized.reserve(examples.size());
  for (const auto& e : examples) {
    if (e.department.empty()) continue;
    std::size_t label = info.labels.size();
    for (std::size_t i = 0; i < info.labels.size(); ++i)
      if (same_name(info.labels[i], e.department)) label = i;
    if (label == info.labels.size()) info.labels.push_back(e.department);
    normalized.push_back({options_.normalize(e.title, e.description), label, e.weight});
  }
  auto model = TextModel::train(normalized, options_.training, std::move(info));
  // Training freed hundreds of MB in small blocks; hand them back to the system rather than
  // keep them in the heap of a long-running server.
  malloc_trim(0);
  if (!options_.model_file.empty()) model->save(options_.model_file);
  const std::string version = model->info().version;
  use(std::move(model));
  return version;
}

std::int64_t ModelCategorizer::label_watermark() const {
  const auto model = model_.load();
  return model ? model->info().label_watermark : 0;
}

std::string ModelCategorizer::version() const {
  const auto model = model_.load();
  return model ? model->info().version : std::string();
}

}  // namespace st::learned_model
