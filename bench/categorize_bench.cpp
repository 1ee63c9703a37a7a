// Micro-benchmarks of the categorizer strategies on one core: the learned model (stacked, and
// fastText alone; trained once from the shipped cold-start set) and the keyword rules, each over a
// rotation of realistic tickets. Results: docs/benchmarks.md. Run: build/micro_bench.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "app/config.hpp"
#include "app/learned_model_setup.hpp"
#include "learned_model/labeled_data.hpp"
#include "learned_model/model_categorizer.hpp"
#include "services/categorizer/keyword_categorizer.hpp"

namespace {

using st::ports::CategorizationRequest;

const std::vector<std::string> kDepartments{"IT Support", "HR", "Facilities", "Finance", "General"};

const std::vector<CategorizationRequest>& requests() {
  static const std::vector<CategorizationRequest> kRequests = [] {
    const char* kTickets[][2] = {
        {"VPN keeps disconnecting", "Since this morning the VPN drops every few minutes."},
        {"Parental leave", "I would like to take parental leave from April, what do I do?"},
        {"Heating broken", "It is freezing in our office and the radiators are cold."},
        {"Travel expenses", "I paid the hotel myself, how do I get reimbursed for it?"},
        {"Summer party", "Where can I find the schedule for this year's summer party?"},
        {"Printer", "The printer on the second floor prints blank pages since yesterday."},
        {"Payslip", "My payslip shows the wrong number of overtime hours for October."},
        {"Invoice", "A supplier says their invoice from June is still not paid, can you check?"},
    };
    std::vector<CategorizationRequest> out;
    for (const auto& [title, description] : kTickets)
      out.push_back({title, description, kDepartments});
    return out;
  }();
  return kRequests;
}

// The service's model (stacked: fastText, its memory of the labeled tickets and the n-gram
// SVM), or with stack_folds 0 fastText alone, side by side.
std::unique_ptr<st::learned_model::ModelCategorizer> train_model(int stack_folds) {
  st::app::Config config;
  auto options = st::app::model_options(config);
  options.model_file.clear();
  options.min_confidence = 0;  // measure the model's full path, never the early exit
  options.training.stack_folds = stack_folds;
  auto m = std::make_unique<st::learned_model::ModelCategorizer>(options);
  m->retrain(st::app::load_cold_start(config), 0);
  return m;
}

st::learned_model::ModelCategorizer& model(bool stacked) {
  static const auto kStacked = train_model(st::learned_model::TrainingOptions{}.stack_folds);
  static const auto kAlone = train_model(0);
  return stacked ? *kStacked : *kAlone;
}

void BM_ModelCategorize(benchmark::State& state) {
  auto& m = model(state.range(0) != 0);
  const auto& reqs = requests();
  std::size_t i = 0;
  for (auto _ : state) {
    auto c = m.categorize(reqs[i++ % reqs.size()]);
    if (!c) throw std::logic_error("the model did not answer");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ModelCategorize)->ArgName("stacked")->Arg(1)->Arg(0);

// The explanation's share of the above: the telling terms of each ticket's best department,
// with fastText's answers without each term from one pass over the text (one_pass 1, what
// categorize does) or from predicting each variant (one_pass 0, the way before).
void BM_ModelTellingTerms(benchmark::State& state) {
  using st::learned_model::ModelCategorizer;
  using st::learned_model::TextModel;
  const auto text_model = model(state.range(0) != 0).current();
  const auto how =
      state.range(1) != 0 ? TextModel::LeaveOneOut::one_pass : TextModel::LeaveOneOut::predict_each;
  struct Ticket {
    std::string text, department;
    std::vector<double> with;
  };
  std::vector<Ticket> tickets;
  const auto normalize = st::app::model_options(st::app::Config{}).normalize;
  for (const auto& r : requests()) {
    Ticket t{normalize(r.title, r.description), "", {}};
    t.with = text_model->probabilities(t.text);
    t.department = ModelCategorizer::best_of(*text_model, t.text, {})->department;
    tickets.push_back(std::move(t));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& t = tickets[i++ % tickets.size()];
    auto terms = ModelCategorizer::telling_terms(*text_model, t.text, t.department, &t.with, how);
    benchmark::DoNotOptimize(terms);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ModelTellingTerms)
    ->ArgNames({"stacked", "one_pass"})
    ->Args({1, 1})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({0, 0});

// The stacked model with a realistic memory: trained on the 2,360 long e-mails of the
// support-queues split (docs/categorization.md's recommended settings), asked about the
// other 590. Skipped when the shared data set is absent.
void BM_SupportQueuesModelCategorize(benchmark::State& state) {
  static const std::string kData =
      std::string(SMARTTICKET_MODELS_DIR) + "/../../shared/data/support-queues/train.csv";
  if (!std::filesystem::exists(kData)) {
    state.SkipWithError("shared support-queues data not found");
    return;
  }
  static const auto kSetup = [] {
    auto rows = st::learned_model::read_records(
        kData, {.text = {"combined_text"}, .label = "queue_grouped", .need_label = true});
    auto split = st::learned_model::holdout_split(std::move(rows), 0.2, 42);
    st::app::Config config;
    auto options = st::app::model_options(config, st::learned_model::ModelFeatures::words_nostop);
    options.model_file.clear();
    options.min_confidence = 0;
    options.training = {.epoch = 25,
                        .lr = 1.0,
                        .dim = 32,
                        .word_ngrams = 2,
                        .minn = 0,
                        .maxn = 0,
                        .bucket = 1'000'000,
                        .calibrate = false,
                        .stack_folds = 10,
                        .combiner_c = 3.0};
    auto m = std::make_unique<st::learned_model::ModelCategorizer>(options);
    m->retrain(st::learned_model::labeled_texts(split.train), 0);
    std::vector<CategorizationRequest> requests;
    for (const auto& r : split.test) requests.push_back({r.title, r.description, {}});
    return std::make_pair(std::move(m), std::move(requests));
  }();
  const auto& [m, reqs] = kSetup;
  std::size_t i = 0;
  for (auto _ : state) {
    auto c = m->categorize(reqs[i++ % reqs.size()]);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SupportQueuesModelCategorize);

void BM_KeywordCategorize(benchmark::State& state) {
  static const st::services::categorizer::KeywordCategorizer kKeywords;
  const auto& reqs = requests();
  std::size_t i = 0;
  for (auto _ : state) {
    auto c = kKeywords.classify(reqs[i++ % reqs.size()]);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeywordCategorize);

void BM_ModelColdStartTraining(benchmark::State& state) {
  st::app::Config config;
  auto options = st::app::model_options(config);
  options.model_file.clear();
  const auto examples = st::app::load_cold_start(config);
  st::learned_model::ModelCategorizer m(options);
  for (auto _ : state) benchmark::DoNotOptimize(m.retrain(examples, 0));
}
BENCHMARK(BM_ModelColdStartTraining)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
