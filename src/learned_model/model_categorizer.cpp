#include "learned_model/model_categorizer.hpp"

#include <malloc.h>

#include <algorithm>
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

// "97% with it, 88% without"; with a decimal more while both round alike (a model sure of
// itself changes in the decimals).
std::string percents(double with, double without) {
  char buf[64];
  const bool alike = std::lround(with * 100.0) == std::lround(without * 100.0);
  std::snprintf(buf, sizeof buf,
                alike ? "%.1f%% with it, %.1f%% without" : "%.0f%% with it, %.0f%% without",
                with * 100.0, without * 100.0);
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

std::vector<std::pair<std::string, double>> ModelCategorizer::ranked(
    const TextModel& model, const std::vector<double>& p,
    const std::vector<std::string>& departments) {
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
  std::stable_sort(allowed.begin(), allowed.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return allowed;
}

std::optional<ModelCategorizer::Prediction> ModelCategorizer::best_of(
    const TextModel& model, std::string_view text, const std::vector<std::string>& departments) {
  const auto allowed = ranked(model, model.probabilities(text), departments);
  if (allowed.empty()) return std::nullopt;
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
  const auto text = options_.normalize(request.title, request.description);
  const auto p = model->probabilities(text);
  const auto allowed = ranked(*model, p, request.departments);
  if (allowed.empty()) return std::nullopt;
  const auto& best = allowed.front();
  const int confidence = static_cast<int>(std::lround(best.second * 100.0));
  if (confidence < options_.min_confidence) return std::nullopt;
  ports::Categorization c;
  c.department = best.first;
  c.confidence = confidence;
  c.categorized_by = domain::CategorizedBy::model;
  c.reason = "learned model: " + best.first + " " + percent(best.second);
  if (allowed.size() > 1)
    c.reason += ", next " + allowed[1].first + " " + percent(allowed[1].second);
  c.model_version = model->info().version;
  domain::Explanation why;
  why.decided_by = domain::CategorizedBy::model;
  why.version = c.model_version;
  for (std::size_t i = 0; i < allowed.size() && i < domain::kMaxCandidates; ++i)
    why.candidates.push_back(
        {allowed[i].first, static_cast<int>(std::lround(allowed[i].second * 100.0))});
  for (const auto& term : telling_terms(*model, text, best.first, &p))
    why.evidence.push_back("term \"" + term.text + "\": " + best.first + " " +
                           percents(term.with, term.without));
  c.explanation = std::move(why);
  return c;
}

namespace {

// How many times removing a term multiplied the other departments' share.
double rise_of(double others_with, double others_without) {
  return others_with > 0.0 ? others_without / others_with : others_without;
}

}  // namespace

std::vector<ModelCategorizer::TellingTerm> ModelCategorizer::telling_terms(
    const TextModel& model, std::string_view text, const std::string& department,
    const std::vector<double>* with, TextModel::LeaveOneOut how) {
  std::size_t label = model.info().labels.size();
  for (std::size_t i = 0; i < model.info().labels.size(); ++i)
    if (same_name(model.info().labels[i], department)) label = i;
  if (label == model.info().labels.size()) return {};
  // The distinct terms, in order of first appearance (the title's first).
  auto terms = distinct_terms(text, kMaxTermsTried);
  if (terms.size() < 2) return {};  // without its only term the text says nothing
  // The other departments' share, summed from their own (small, exact) probabilities rather
  // than as 1 - p: a model sure of itself rounds p to 1, never the others to 0.
  const auto others = [label](const std::vector<double>& p) {
    double sum = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (i != label) sum += p[i];
    return sum;
  };
  const auto whole = with ? *with : model.probabilities(text);
  const double others_with = others(whole);
  if (model.stacked()) {
    // Pass 1: fastText alone ranks every term; the whole model measures the best of them.
    const auto quick_without = model.fasttext_probabilities_without(text, terms, how);
    const double quick_with = others(model.fasttext_probabilities(text));
    std::vector<std::pair<double, std::string_view>> by_quick_rise;
    for (std::size_t i = 0; i < terms.size(); ++i)
      by_quick_rise.emplace_back(rise_of(quick_with, others(quick_without[i])), terms[i]);
    std::stable_sort(by_quick_rise.begin(), by_quick_rise.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    if (by_quick_rise.size() > kMaxTermsMeasured) by_quick_rise.resize(kMaxTermsMeasured);
    terms.clear();
    for (const auto& ranked_term : by_quick_rise) terms.push_back(ranked_term.second);
  }
  // A term is named when the (whole) model's answer without it moves enough.
  const auto without = model.probabilities_without(text, terms, how);
  std::vector<std::pair<double, TellingTerm>> measured;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const double others_without = others(without[i]);
    if (others_without > others_with * (1.0 + kMinTermEffect))
      measured.push_back({rise_of(others_with, others_without),
                          {std::string(terms[i]), whole[label], without[i][label]}});
  }
  std::stable_sort(measured.begin(), measured.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<TellingTerm> ranked;
  for (std::size_t i = 0; i < measured.size() && i < kMaxTellingTerms; ++i)
    ranked.push_back(std::move(measured[i].second));
  return ranked;
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
