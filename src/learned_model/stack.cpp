#include "learned_model/stack.hpp"

#include <cstring>
#include <numeric>
#include <random>

namespace st::learned_model::detail {
namespace {

using nlohmann::json;

// Fewer examples than this make folds too thin to say how far each part can be trusted;
// such a model is fastText alone, temperature-calibrated.
constexpr std::size_t kMinExamplesToStack = 50;

TfidfOptions word_ngrams(int n) {
  return {Analyzer::words, 1, n};
}

std::vector<SparseVector> vectors_of(const TfidfVectorizer& v,
                                     const std::vector<std::string>& texts) {
  std::vector<SparseVector> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(v.transform(t));
  return out;
}

}  // namespace

std::unique_ptr<const Stack> Stack::train(const std::vector<Example>& examples,
                                          const TrainingOptions& options, std::size_t labels) {
  if (options.stack_folds < 2 || examples.size() < kMinExamplesToStack) return nullptr;
  std::unique_ptr<Stack> s(new Stack);
  s->parts_ = {true, options.svm_ngrams > 0, options.neighbours > 0};
  s->labels_ = labels;
  s->neighbours_ = options.neighbours;
  s->svm_ngrams_ = options.svm_ngrams;
  for (const auto& e : examples) {
    s->texts_.push_back(e.text);
    s->text_labels_.push_back(e.label);
  }

  // Each example's fold, in a seeded random order so that folds mix departments and ages.
  const auto folds = static_cast<std::size_t>(options.stack_folds);
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(static_cast<std::uint64_t>(options.seed) + 2);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  std::vector<std::size_t> fold_of(examples.size());
  for (std::size_t k = 0; k < order.size(); ++k) fold_of[order[k]] = k % folds;

  std::vector<SparseVector> held_out(examples.size());
  for (std::size_t f = 0; f < folds; ++f) {
    std::vector<const Example*> train;
    std::vector<std::string> train_texts;
    std::vector<std::size_t> train_labels, test;
    for (std::size_t i = 0; i < examples.size(); ++i) {
      if (fold_of[i] == f) {
        test.push_back(i);
      } else {
        train.push_back(&examples[i]);
        train_texts.push_back(examples[i].text);
        train_labels.push_back(examples[i].label);
      }
    }
    std::unique_ptr<Engine> engine;
    try {
      engine = train_engine(train, options);
    } catch (const ModelError&) {
      return nullptr;  // a fold fastText cannot learn from: no evidence to weigh parts by
    }
    const auto map = output_labels(*engine, labels);
    TfidfVectorizer words;
    LinearClassifier svm;
    if (s->parts_.svm) {
      words = TfidfVectorizer(train_texts, word_ngrams(options.svm_ngrams));
      svm = LinearClassifier::train(vectors_of(words, train_texts), train_labels, labels,
                                    words.terms(), {LinearKind::svm, options.svm_c});
    }
    std::optional<NeighbourIndex> index;
    if (s->parts_.neighbours) index.emplace(train_texts, train_labels);
    for (const std::size_t i : test) {
      const auto& text = examples[i].text;
      held_out[i] = stacked_features(
          s->parts_, labels, log_probabilities(*engine, map, labels, text),
          s->parts_.svm ? svm.decision_values(words.transform(text)) : std::vector<double>{},
          index ? index->nearest(text, static_cast<std::size_t>(options.neighbours))
                : std::vector<Neighbour>{});
    }
  }
  s->combiner_ =
      LinearClassifier::train(held_out, s->text_labels_, labels, stacked_width(s->parts_, labels),
                              {LinearKind::logistic, options.combiner_c});
  if (s->parts_.svm) {
    s->words_ = TfidfVectorizer(s->texts_, word_ngrams(options.svm_ngrams));
    s->svm_ = LinearClassifier::train(vectors_of(s->words_, s->texts_), s->text_labels_, labels,
                                      s->words_.terms(), {LinearKind::svm, options.svm_c});
  }
  if (s->parts_.neighbours) s->index_.emplace(s->texts_, s->text_labels_);
  return s;
}

std::vector<double> Stack::probabilities(const std::vector<double>& log_p,
                                         std::string_view text) const {
  const auto features = stacked_features(
      parts_, labels_, log_p,
      parts_.svm ? svm_.decision_values(words_.transform(text)) : std::vector<double>{},
      index_ ? index_->nearest(text, static_cast<std::size_t>(neighbours_))
             : std::vector<Neighbour>{});
  return combiner_.probabilities(features);
}

json Stack::metadata() const {
  json memory = json::array();
  for (std::size_t i = 0; i < texts_.size(); ++i) memory.push_back({text_labels_[i], texts_[i]});
  return {{"svm", parts_.svm},
          {"neighbours", parts_.neighbours ? neighbours_ : 0},
          {"svm_ngrams", svm_ngrams_},
          {"svm_c", svm_.options().c},
          {"svm_terms", words_.terms()},
          {"svm_present", svm_.present()},
          {"combiner_c", combiner_.options().c},
          {"combiner_weights", combiner_.weights()},
          {"combiner_present", combiner_.present()},
          {"memory", std::move(memory)}};
}

std::string Stack::blob() const {
  // The SVM's weights as raw floats: tens of thousands of n-grams times departments would
  // be megabytes of JSON text.
  const auto& w = svm_.weights();
  std::string out(w.size() * sizeof(float), '\0');
  if (!w.empty()) std::memcpy(out.data(), w.data(), out.size());
  return out;
}

std::unique_ptr<const Stack> Stack::load(const json& meta, std::string_view blob,
                                         std::size_t labels) {
  std::unique_ptr<Stack> s(new Stack);
  s->labels_ = labels;
  s->neighbours_ = meta.at("neighbours").get<int>();
  s->svm_ngrams_ = meta.at("svm_ngrams").get<int>();
  s->parts_ = {true, meta.at("svm").get<bool>(), s->neighbours_ > 0};
  for (const auto& m : meta.at("memory")) {
    const auto label = m.at(0).get<std::size_t>();
    if (label >= labels) throw ModelError("stacked model: a remembered ticket has no department");
    s->text_labels_.push_back(label);
    s->texts_.push_back(m.at(1).get<std::string>());
  }
  const auto width = stacked_width(s->parts_, labels);
  s->combiner_ = LinearClassifier::from_weights(
      {LinearKind::logistic, meta.at("combiner_c").get<double>()}, labels, width,
      meta.at("combiner_weights").get<std::vector<float>>(),
      meta.at("combiner_present").get<std::vector<bool>>());
  if (s->parts_.svm) {
    s->words_ = TfidfVectorizer(s->texts_, word_ngrams(s->svm_ngrams_));
    if (s->words_.terms() != meta.at("svm_terms").get<std::size_t>())
      throw ModelError("stacked model: the remembered tickets do not match the SVM");
    std::vector<float> w(blob.size() / sizeof(float));
    if (w.size() * sizeof(float) != blob.size())
      throw ModelError("stacked model: damaged SVM weights");
    if (!w.empty()) std::memcpy(w.data(), blob.data(), blob.size());
    s->svm_ = LinearClassifier::from_weights({LinearKind::svm, meta.at("svm_c").get<double>()},
                                             labels, s->words_.terms(), std::move(w),
                                             meta.at("svm_present").get<std::vector<bool>>());
  }
  if (s->parts_.neighbours) s->index_.emplace(s->texts_, s->text_labels_);
  return s;
}

}  // namespace st::learned_model::detail
