#include "learned_model/text_model.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "learned_model/fasttext/engine.hpp"
#include "learned_model/stack.hpp"

namespace st::learned_model {

namespace {

using detail::Engine;
using detail::log_probabilities;
using detail::output_labels;
using detail::Stack;
using detail::TempFile;
using detail::train_engine;

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kMagicLine = "smartticket-fasttext 2";
constexpr std::string_view kMagicLineV1 = "smartticket-fasttext 1";  // fastText alone
constexpr std::size_t kCalibrationShare = 3;  // every third example is held out
// Below this many examples a held-out fold says too little to fit a temperature.
constexpr std::size_t kMinExamplesToCalibrate = 60;

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(std::uint64_t v, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 15];
  return out;
}

std::string utc_now(const char* format) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// Softmax of log-probabilities divided by a temperature; an empty prediction is uniform.
std::vector<double> soften(const std::vector<double>& log_p, double temperature) {
  const double top = *std::max_element(log_p.begin(), log_p.end());
  std::vector<double> p(log_p.size(), 1.0 / static_cast<double>(log_p.size()));
  if (!std::isfinite(top)) return p;
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] = std::isfinite(log_p[i]) ? std::exp((log_p[i] - top) / temperature) : 0.0;
    sum += p[i];
  }
  for (auto& v : p) v /= sum;
  return p;
}

// Held-out calibration: train on two thirds, predict the last third, and pick the temperature
// that minimizes the negative log-likelihood of its true labels. One held-out third (not
// three folds) because a fresh install trains at start-up: one scalar needs few examples.
double fit_temperature(const std::vector<Example>& examples, const TrainingOptions& options,
                       std::size_t labels) {
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(static_cast<std::uint64_t>(options.seed) + 1);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  std::vector<const Example*> train, test;
  for (std::size_t k = 0; k < order.size(); ++k)
    (k % kCalibrationShare == 0 ? test : train).push_back(&examples[order[k]]);
  std::unique_ptr<Engine> engine;
  try {
    engine = train_engine(train, options);
  } catch (const ModelError&) {
    return 1.0;  // too thin to train: no evidence to calibrate with
  }
  const auto map = output_labels(*engine, labels);
  std::vector<std::pair<std::vector<double>, std::size_t>> held_out;  // log-probs, true label
  for (const Example* e : test)
    held_out.emplace_back(log_probabilities(*engine, map, labels, e->text), e->label);
  double best_t = 1.0, best_loss = INFINITY;
  for (double t = 0.5; t <= 8.0; t *= 1.05) {
    double loss = 0;
    for (const auto& [log_p, truth] : held_out)
      loss -= std::log(std::max(1e-6, soften(log_p, t)[truth]));
    if (loss < best_loss) {
      best_loss = loss;
      best_t = t;
    }
  }
  return best_t;
}

json options_json(const TrainingOptions& o) {
  return {{"epoch", o.epoch},
          {"lr", o.lr},
          {"dim", o.dim},
          {"word_ngrams", o.word_ngrams},
          {"minn", o.minn},
          {"maxn", o.maxn},
          {"min_count", o.min_count},
          {"bucket", o.bucket},
          {"seed", o.seed},
          {"calibrate", o.calibrate},
          {"stack_folds", o.stack_folds},
          {"neighbours", o.neighbours},
          {"svm_ngrams", o.svm_ngrams},
          {"svm_c", o.svm_c},
          {"combiner_c", o.combiner_c}};
}

TrainingOptions options_from(const json& j) {
  TrainingOptions o;
  o.epoch = j.value("epoch", o.epoch);
  o.lr = j.value("lr", o.lr);
  o.dim = j.value("dim", o.dim);
  o.word_ngrams = j.value("word_ngrams", o.word_ngrams);
  o.minn = j.value("minn", o.minn);
  o.maxn = j.value("maxn", o.maxn);
  o.min_count = j.value("min_count", o.min_count);
  o.bucket = j.value("bucket", o.bucket);
  o.seed = j.value("seed", o.seed);
  o.calibrate = j.value("calibrate", o.calibrate);
  // A version 1 file has none of these: it was fastText alone.
  o.stack_folds = j.value("stack_folds", 0);
  o.neighbours = j.value("neighbours", 0);
  o.svm_ngrams = j.value("svm_ngrams", 0);
  o.svm_c = j.value("svm_c", o.svm_c);
  o.combiner_c = j.value("combiner_c", o.combiner_c);
  return o;
}

}  // namespace

std::vector<std::string_view> distinct_terms(std::string_view text, std::size_t limit) {
  std::vector<std::string_view> terms;
  for (std::size_t at = 0; at < text.size() && terms.size() < limit;) {
    auto end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const auto term = text.substr(at, end - at);
    if (!term.empty() && std::find(terms.begin(), terms.end(), term) == terms.end())
      terms.push_back(term);
    at = end + 1;
  }
  return terms;
}

void text_without(std::string_view text, std::string_view term, std::string& out) {
  out.clear();
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const auto word = text.substr(at, end - at);
    if (word != term) {
      if (!out.empty()) out += ' ';
      out += word;
    }
    at = end + 1;
  }
}

TextModel::TextModel(std::unique_ptr<Engine> engine, ModelInfo info,
                     std::unique_ptr<const Stack> stack)
    : engine_(std::move(engine)), info_(std::move(info)), stack_(std::move(stack)) {
  label_of_output_ = output_labels(*engine_, info_.labels.size());
}

TextModel::~TextModel() = default;

std::shared_ptr<const TextModel> TextModel::train(const std::vector<Example>& examples,
                                                  const TrainingOptions& options, ModelInfo info) {
  std::vector<bool> seen(info.labels.size(), false);
  std::uint64_t digest = fnv1a(options_json(options).dump());
  for (const auto& e : examples) {
    if (e.label >= info.labels.size()) throw ModelError("example label out of range");
    seen[e.label] = true;
    digest = fnv1a(e.text, fnv1a(info.labels[e.label] + "\x1f" + std::to_string(e.weight), digest));
  }
  if (std::count(seen.begin(), seen.end(), true) < 2)
    throw ModelError("training needs examples of at least two departments");
  std::vector<const Example*> all;
  all.reserve(examples.size());
  for (const auto& e : examples) all.push_back(&e);
  auto engine = train_engine(all, options);
  auto stack = Stack::train(examples, options, info.labels.size());

  info.examples = examples.size();
  info.options = options;
  info.trained_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
  info.version = "fasttext-" + utc_now("%Y%m%dT%H%M%SZ") + "-" + hex(digest, 8);
  // A stacked model's combiner is calibrated by construction (a logistic regression on
  // held-out predictions); fastText alone gets a temperature.
  info.temperature = (!stack && options.calibrate && examples.size() >= kMinExamplesToCalibrate)
                         ? fit_temperature(examples, options, info.labels.size())
                         : 1.0;
  return std::make_shared<TextModel>(std::move(engine), std::move(info), std::move(stack));
}

std::vector<double> TextModel::probabilities(std::string_view normalized_text) const {
  auto log_p = log_probabilities(*engine_, label_of_output_, info_.labels.size(), normalized_text);
  if (stack_) return stack_->probabilities(log_p, normalized_text);
  return soften(log_p, info_.temperature);
}

std::vector<double> TextModel::fasttext_probabilities(std::string_view normalized_text) const {
  return soften(log_probabilities(*engine_, label_of_output_, info_.labels.size(), normalized_text),
                info_.temperature);
}

std::optional<std::vector<std::vector<double>>> TextModel::one_pass_log_probabilities(
    std::string_view normalized_text, const std::vector<std::string_view>& terms,
    LeaveOneOut how) const {
  if (how != LeaveOneOut::one_pass) return std::nullopt;
  return engine_->log_probabilities_without(label_of_output_, info_.labels.size(), normalized_text,
                                            terms);
}

std::vector<std::vector<double>> TextModel::fasttext_probabilities_without(
    std::string_view normalized_text, const std::vector<std::string_view>& terms,
    LeaveOneOut how) const {
  const auto log_p = one_pass_log_probabilities(normalized_text, terms, how);
  std::vector<std::vector<double>> out;
  std::string without;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (log_p) {
      out.push_back(soften((*log_p)[i], info_.temperature));
    } else {
      text_without(normalized_text, terms[i], without);
      out.push_back(fasttext_probabilities(without));
    }
  }
  return out;
}

std::vector<std::vector<double>> TextModel::probabilities_without(
    std::string_view normalized_text, const std::vector<std::string_view>& terms,
    LeaveOneOut how) const {
  if (!stack_) return fasttext_probabilities_without(normalized_text, terms, how);
  const auto log_p = one_pass_log_probabilities(normalized_text, terms, how);
  std::vector<std::vector<double>> out;
  std::string without;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    text_without(normalized_text, terms[i], without);
    out.push_back(log_p ? stack_->probabilities((*log_p)[i], without) : probabilities(without));
  }
  return out;
}

std::string TextModel::parts() const {
  if (!stack_) return "fasttext";
  std::string out = "fasttext";
  if (stack_->parts().svm) out += "+svm";
  if (stack_->parts().neighbours) out += "+neighbours";
  return out;
}

void TextModel::save(const std::string& path) const {
  TempFile ft("smartticket-model");
  try {
    engine_->saveModel(ft.path());
  } catch (const std::exception& e) {
    throw ModelError(std::string("cannot save the fastText model: ") + e.what());
  }
  std::string body;
  {
    std::ifstream in(ft.path(), std::ios::binary);
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::size_t fasttext_bytes = body.size();
  if (stack_) body += stack_->blob();
  json meta{{"version", info_.version},
            {"labels", info_.labels},
            {"features", info_.features},
            {"temperature", info_.temperature},
            {"label_watermark", info_.label_watermark},
            {"examples", info_.examples},
            {"trained_at", info_.trained_at},
            {"options", options_json(info_.options)},
            {"body_bytes", body.size()},
            {"fasttext_bytes", fasttext_bytes},
            {"body_fnv1a", hex(fnv1a(body), 16)}};
  if (stack_) meta["stack"] = stack_->metadata();
  const fs::path target = fs::absolute(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  const std::string temp = target.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::FILE* f = std::fopen(temp.c_str(), "wb");
    if (!f) throw ModelError("cannot write " + temp);
    const std::string head = std::string(kMagicLine) + "\n" + meta.dump() + "\n";
    bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size() &&
              std::fwrite(body.data(), 1, body.size(), f) == body.size() && std::fflush(f) == 0 &&
              ::fsync(fileno(f)) == 0;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw ModelError("cannot write " + temp);
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw ModelError("cannot replace " + target.string() + ": " + ec.message());
  }
}

std::shared_ptr<const TextModel> TextModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError("cannot open model file " + path);
  std::string magic, meta_line;
  if (!std::getline(in, magic) || (magic != kMagicLine && magic != kMagicLineV1) ||
      !std::getline(in, meta_line))
    throw ModelError(path + " is not a Smart Ticket model file");
  const json meta = json::parse(meta_line, nullptr, false);
  if (!meta.is_object() || !meta.contains("labels") || !meta["labels"].is_array())
    throw ModelError(path + ": unreadable model metadata");
  std::string body(std::istreambuf_iterator<char>(in), {});
  // fastText trusts its input completely (sizes read from the file are allocated as is), so a
  // truncated or altered file must be refused before fastText parses it.
  if (body.size() != meta.value("body_bytes", std::size_t{0}) ||
      hex(fnv1a(body), 16) != meta.value("body_fnv1a", std::string()))
    throw ModelError(path + " is damaged (size or checksum does not match)");
  ModelInfo info;
  try {
    info.version = meta.at("version").get<std::string>();
    info.labels = meta.at("labels").get<std::vector<std::string>>();
    info.features = meta.value("features", std::string());
    info.temperature = meta.value("temperature", 1.0);
    info.label_watermark = meta.value("label_watermark", std::int64_t{0});
    info.examples = meta.value("examples", std::size_t{0});
    info.trained_at = meta.value("trained_at", std::string());
    info.options = options_from(meta.value("options", json::object()));
  } catch (const json::exception& e) {
    throw ModelError(path + ": bad model metadata: " + e.what());
  }
  if (info.labels.size() < 2 || !(info.temperature > 0))
    throw ModelError(path + ": bad model metadata");
  const std::size_t fasttext_bytes = meta.value("fasttext_bytes", body.size());
  if (fasttext_bytes > body.size()) throw ModelError(path + ": bad model metadata");
  std::unique_ptr<const Stack> stack;
  if (meta.contains("stack")) {
    try {
      stack = Stack::load(meta["stack"], std::string_view(body).substr(fasttext_bytes),
                          info.labels.size());
    } catch (const ModelError&) {
      throw;
    } catch (const std::exception& e) {
      throw ModelError(path + ": bad stacked model: " + e.what());
    }
  }
  body.resize(fasttext_bytes);
  std::istringstream body_in(std::move(body));
  auto engine = std::make_unique<Engine>();
  try {
    if (!engine->read_signature(body_in)) throw ModelError(path + ": not a fastText model");
    engine->loadModel(body_in);
  } catch (const ModelError&) {
    throw;
  } catch (const std::exception& e) {
    throw ModelError(path + ": cannot load the fastText model: " + e.what());
  }
  return std::make_shared<TextModel>(std::move(engine), std::move(info), std::move(stack));
}

}  // namespace st::learned_model
