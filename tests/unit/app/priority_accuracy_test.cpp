// The local priority estimate on the labeled set written for it (models/priority-labeled.csv,
// 120 tickets, 30 per level); docs/categorization.md reports the figures and the confusion
// table. The estimator is deterministic, so the figures are the same on every run.
#include <gtest/gtest.h>

#include <iostream>

#include "learned_model/labeled_data.hpp"
#include "services/categorizer/evaluation.hpp"
#include "services/categorizer/priority_estimator.hpp"

namespace st::app {
namespace {

const std::string kModels = SMARTTICKET_MODELS_DIR;

TEST(PriorityAccuracy, TheCueEstimateOnTheLabeledSet) {
  const auto rows = learned_model::read_records(
      kModels + "/priority-labeled.csv",
      {.text = {"title", "description"}, .label = "priority", .need_label = true});
  ASSERT_GE(rows.size(), 100u);
  services::categorizer::Evaluation eval;
  for (const auto& r : rows) {
    const auto p = services::categorizer::estimate_priority(r.title, r.description).priority;
    eval.add(r.label, std::string(domain::to_string(p)));
  }
  eval.print(std::cout);
  // Measured 0.767 (92 of 120; docs/categorization.md). The floor sits just under it, so a
  // cue change that loses tickets fails here.
  EXPECT_GE(eval.accuracy(), 0.76);
}

}  // namespace
}  // namespace st::app
