// Micro-benchmarks of the categorizer strategies on one core: the learned model (fastText,
// trained once from the shipped cold-start set) and the keyword rules, each over a rotation
// of realistic tickets. Results: docs/benchmarks.md. Run: build/micro_bench.
#include <benchmark/benchmark.h>

#include <memory>
#include <stdexcept>

#include "adapters/fasttext/model_categorizer.hpp"
#include "app/config.hpp"
#include "app/learned_model.hpp"
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

st::adapters::fasttext::ModelCategorizer& model() {
  static const auto kModel = [] {
    st::app::Config config;
    auto options = st::app::model_options(config);
    options.model_file.clear();
    options.min_confidence = 0;  // measure the model's full path, never the early exit
    auto m = std::make_unique<st::adapters::fasttext::ModelCategorizer>(options);
    m->retrain(st::app::load_cold_start(config), 0);
    return m;
  }();
  return *kModel;
}

void BM_ModelCategorize(benchmark::State& state) {
  auto& m = model();
  const auto& reqs = requests();
  std::size_t i = 0;
  for (auto _ : state) {
    auto c = m.categorize(reqs[i++ % reqs.size()]);
    if (!c) throw std::logic_error("the model did not answer");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ModelCategorize);

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
  st::adapters::fasttext::ModelCategorizer m(options);
  for (auto _ : state) benchmark::DoNotOptimize(m.retrain(examples, 0));
}
BENCHMARK(BM_ModelColdStartTraining)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
