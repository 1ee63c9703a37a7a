#include "app/model_commands.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/learned_model_setup.hpp"
#include "app/stored_examples.hpp"
#include "domain/department.hpp"
#include "learned_model/labeled_data.hpp"
#include "services/categorizer/evaluation.hpp"
#include "services/categorizer/keyword_categorizer.hpp"
#include "util/csv.hpp"

namespace st::app {

namespace categorizer = services::categorizer;

struct ModelCommandArgs {
  std::string data;
  std::vector<std::string> text_columns;
  std::string label_column;
  std::string model;
  std::string output;
  std::string features = "stems";
  double holdout_fraction = 0;
  std::uint64_t holdout_seed = 42;
  learned_model::TrainingOptions training;
  bool no_calibrate = false;
  bool keywords = false;  // eval/categorize: the keyword categorizer alone
  int min_confidence = -1;
  std::string format = "csv";
};

namespace {

learned_model::ModelFeatures features_of(const std::string& name) {
  const auto f = learned_model::parse_model_features(name);
  if (!f)
    throw learned_model::DataError(
        "--features must be stems, words, stems-nostop or words-nostop, got '" + name + "'");
  return *f;
}

learned_model::Columns columns_of(const ModelCommandArgs& a, bool need_label) {
  learned_model::Columns c;
  c.text = a.text_columns;
  c.label = a.label_column;
  c.need_label = need_label;
  return c;
}

// The rows a command works on: the whole file, or one side of the seeded holdout split.
std::vector<learned_model::Record> data_rows(const ModelCommandArgs& a, bool need_label,
                                             bool test_side) {
  auto rows = learned_model::read_records(a.data, columns_of(a, need_label));
  if (a.holdout_fraction <= 0) return rows;
  auto split = learned_model::holdout_split(std::move(rows), a.holdout_fraction, a.holdout_seed);
  return test_side ? std::move(split.test) : std::move(split.train);
}

int train(const ModelCommandArgs& a, const Config& config) {
  auto options = model_options(config, features_of(a.features));
  options.model_file = a.output;
  options.training = a.training;
  options.training.calibrate = !a.no_calibrate;
  std::vector<ports::LabeledText> examples;
  if (a.data.empty()) {
    auto stored = stored_examples(config);
    // On stderr: the summary on stdout keeps its one line.
    std::cerr << "training examples: " << stored.source << "\n";
    examples = std::move(stored.examples);
  } else {
    examples = learned_model::labeled_texts(data_rows(a, true, /*test_side=*/false));
  }
  learned_model::ModelCategorizer model(options);
  const auto started = std::chrono::steady_clock::now();
  model.retrain(examples, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto& info = model.current()->info();
  std::printf("trained %s: %zu examples, %zu departments, %.2f s, temperature %.2f -> %s\n",
              info.version.c_str(), info.examples, info.labels.size(), seconds, info.temperature,
              a.output.c_str());
  return 0;
}

std::vector<std::string> distinct_labels(const std::vector<learned_model::Record>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    if (std::find(out.begin(), out.end(), r.label) == out.end()) out.push_back(r.label);
  return out;
}

int eval(const ModelCommandArgs& a, const Config& config) {
  const auto rows = data_rows(a, true, /*test_side=*/true);
  categorizer::KeywordCategorizer keywords;
  std::unique_ptr<learned_model::ModelCategorizer> model;
  std::vector<std::string> departments = distinct_labels(rows);
  if (!a.keywords) {
    auto loaded = learned_model::TextModel::load(a.model);
    auto options = model_options(config, features_of(loaded->info().features));
    options.model_file.clear();
    // Without --min-confidence the model always answers: its accuracy alone is measured.
    options.min_confidence = std::max(0, a.min_confidence);
    model = std::make_unique<learned_model::ModelCategorizer>(options);
    for (const auto& label : loaded->info().labels)
      if (std::find(departments.begin(), departments.end(), label) == departments.end())
        departments.push_back(label);
    model->use(std::move(loaded));
  }
  categorizer::Evaluation evaluation;
  std::size_t by_model = 0;
  for (const auto& r : rows) {
    const ports::CategorizationRequest request{r.title, r.description, departments};
    std::optional<ports::Categorization> c;
    if (model) c = model->categorize(request);
    if (c)
      ++by_model;
    else
      c = keywords.classify(request);
    evaluation.add(r.label, c->department, c->confidence);
  }
  evaluation.print(std::cout);
  if (model && a.min_confidence >= 0)
    std::printf("\ndecided by the model: %zu of %zu (the keywords decided the rest)\n", by_model,
                rows.size());
  return 0;
}

int categorize(const ModelCommandArgs& a, const Config& config) {
  const auto rows =
      learned_model::read_records(a.data.empty() ? "-" : a.data, columns_of(a, false));
  categorizer::KeywordCategorizer keywords;
  std::unique_ptr<learned_model::ModelCategorizer> model;
  std::vector<std::string> departments;
  for (const auto& d : domain::default_departments()) departments.emplace_back(d.name);
  if (!a.keywords) {
    auto options = model_options(config);
    if (!a.model.empty()) options.model_file = a.model;
    if (a.min_confidence >= 0) options.min_confidence = a.min_confidence;
    const bool exists = std::filesystem::exists(options.model_file);
    if (!a.model.empty() && !exists) throw learned_model::DataError("no model file " + a.model);
    if (!exists) options.model_file.clear();  // train in memory, do not write
    model = std::make_unique<learned_model::ModelCategorizer>(options);
    if (exists) {
      auto loaded = learned_model::TextModel::load(options.model_file);
      departments = loaded->info().labels;
      model->use(std::move(loaded));
    } else {
      model->retrain(load_cold_start(config), 0);
    }
  }
  const bool jsonl = a.format == "jsonl";
  if (!jsonl) std::cout << "department,confidence,source\n";
  for (const auto& r : rows) {
    const ports::CategorizationRequest request{r.title, r.description, departments};
    std::optional<ports::Categorization> c;
    if (model) c = model->categorize(request);
    if (!c) c = keywords.classify(request);
    const std::string source(domain::to_string(c->categorized_by));
    if (jsonl)
      std::cout << nlohmann::json{{"department", c->department},
                                  {"confidence", c->confidence},
                                  {"source", source}}
                       .dump()
                << '\n';
    else
      std::cout << util::csv_field(c->department) << ',' << c->confidence << ',' << source << '\n';
  }
  return 0;
}

void add_data_options(CLI::App* cmd, ModelCommandArgs& a) {
  cmd->add_option("--text-column", a.text_columns,
                  "text column(s); the first is the title (default title+description, text or "
                  "combined_text)");
  cmd->add_option("--label-column", a.label_column, "label column (default department or label)");
  cmd->add_option("--holdout-fraction", a.holdout_fraction,
                  "use a seeded split: train on the rest, evaluate on this fraction")
      ->check(CLI::Range(0.0, 0.9));
  cmd->add_option("--holdout-seed", a.holdout_seed, "seed of the split (default 42)");
}

}  // namespace

ModelCommands::ModelCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_settings)
    : args_(std::make_unique<ModelCommandArgs>()) {
  auto& a = *args_;
  auto* model = app.add_subcommand("model", "train and evaluate the learned categorizer");
  model->require_subcommand(1);

  train_ = model->add_subcommand(
      "train",
      "train a model (default: cold-start set + the helpdesk's labels, read from PostgreSQL "
      "when DATABASE_URL or DB_* is set, else from <data-dir>/smartticket.db)");
  add_settings(train_);
  train_->add_option("--data", a.data, "labeled tickets (CSV or JSONL) instead of the store");
  add_data_options(train_, a);
  train_->add_option("--output", a.output, "model file to write")->required();
  train_->add_option("--features", a.features,
                     "text normalization: stems (default), words, stems-nostop, words-nostop");
  auto& t = a.training;
  train_->add_option("--epoch", t.epoch, "passes over the data")->capture_default_str();
  train_->add_option("--lr", t.lr, "learning rate")->capture_default_str();
  train_->add_option("--dim", t.dim, "vector size")->capture_default_str();
  train_->add_option("--word-ngrams", t.word_ngrams, "word n-grams")->capture_default_str();
  train_->add_option("--minn", t.minn, "shortest character n-gram (0: none)")
      ->capture_default_str();
  train_->add_option("--maxn", t.maxn, "longest character n-gram (0: none)")->capture_default_str();
  train_->add_option("--min-count", t.min_count, "rarest word kept")->capture_default_str();
  train_->add_option("--bucket", t.bucket, "hash buckets for n-grams")->capture_default_str();
  train_->add_option("--seed", t.seed, "random seed")->capture_default_str();
  train_->add_option("--train-threads", t.threads, "training threads (1: deterministic)")
      ->capture_default_str();
  train_->add_flag("--no-calibrate", a.no_calibrate, "skip the confidence calibration");
  train_
      ->add_option("--stack-folds", t.stack_folds,
                   "held-out folds for the combiner (below 2: fastText alone)")
      ->capture_default_str();
  train_->add_option("--neighbours", t.neighbours, "remembered tickets consulted (0: no memory)")
      ->capture_default_str();
  train_->add_option("--svm-ngrams", t.svm_ngrams, "the SVM's longest word n-gram (0: no SVM)")
      ->capture_default_str();
  train_->add_option("--svm-c", t.svm_c, "the SVM's inverse regularization")->capture_default_str();
  train_->add_option("--combiner-c", t.combiner_c, "the combiner's inverse regularization")
      ->capture_default_str();

  eval_ = model->add_subcommand("eval", "score a model (or the keywords) on labeled tickets");
  add_settings(eval_);
  eval_->add_option("--model", a.model, "model file");
  eval_->add_option("--data", a.data, "labeled tickets (CSV or JSONL)")->required();
  add_data_options(eval_, a);
  eval_->add_flag("--keywords", a.keywords, "score the keyword categorizer instead of a model");
  eval_->add_option("--min-confidence", a.min_confidence,
                    "score the chain: below this the keywords decide");

  categorize_ = app.add_subcommand(
      "categorize", "categorize tickets from a file; prints department, confidence, source");
  add_settings(categorize_);
  categorize_->add_option("--data", a.data, "tickets (CSV or JSONL; default: CSV on stdin)");
  categorize_->add_option("--text-column", a.text_columns, "text column(s)");
  categorize_->add_option("--model", a.model, "model file (default: the data dir's model)");
  categorize_->add_option("--min-confidence", a.min_confidence,
                          "below this the keywords decide (default: the configured one)");
  categorize_->add_flag("--keywords", a.keywords, "the keyword categorizer only");
  categorize_->add_option("--format", a.format, "csv (default) or jsonl")
      ->check(CLI::IsMember({"csv", "jsonl"}));
}

ModelCommands::~ModelCommands() = default;

std::optional<int> ModelCommands::run(const Config& config) const {
  try {
    if (train_->parsed()) return train(*args_, config);
    if (eval_->parsed()) {
      if (!args_->keywords && args_->model.empty())
        throw learned_model::DataError("--model (or --keywords)");
      return eval(*args_, config);
    }
    if (categorize_->parsed()) return categorize(*args_, config);
  } catch (const std::exception& e) {
    std::cerr << "smartticket: " << e.what() << "\n";
    return 1;
  }
  return std::nullopt;
}

}  // namespace st::app
