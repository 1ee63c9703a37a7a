#include "services/analytics/decision_quality.hpp"

#include <gtest/gtest.h>

namespace st::services::analytics {
namespace {

TEST(DecisionQuality, EveryScoredStrategyIsListedEvenWithoutDecisions) {
  const auto q = decision_quality({});
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].strategy, "claude");
  EXPECT_EQ(q[1].strategy, "model");
  EXPECT_EQ(q[2].strategy, "keywords");
  for (const auto& s : q) {
    EXPECT_EQ(s.overall.decisions, 0);
    EXPECT_FALSE(s.overall.accuracy());
    EXPECT_FALSE(s.overall.calibration.ece());
    EXPECT_TRUE(s.departments.empty());
  }
}

TEST(DecisionQuality, SumsBinsIntoDepartmentsAndTheOverallRowOfEachStrategy) {
  // The model: IT Support 3 decisions at 80-89 (85: reviewed and right; 81: two, one reviewed
  // and corrected) and 1 at 45 (reviewed, corrected); HR 4 at 95, none reviewed. A manual
  // tally is not scored.
  const std::vector<ports::DecisionTally> tallies{
      {"model", "IT Support", 85, 1, 1, 0}, {"model", "IT Support", 81, 2, 1, 1},
      {"model", "IT Support", 45, 1, 1, 1}, {"model", "HR", 95, 4, 0, 0},
      {"manual", "HR", 100, 7, 7, 0},
  };
  const auto q = decision_quality(tallies);
  const auto& model = q[1];
  EXPECT_EQ(model.overall.decisions, 8);
  EXPECT_EQ(model.overall.reviewed, 3);
  EXPECT_EQ(model.overall.corrected, 2);
  EXPECT_DOUBLE_EQ(*model.overall.accuracy(), 1.0 / 3.0);
  // |1 - 1.66| + |0 - 0.45| over 3 reviewed.
  EXPECT_NEAR(*model.overall.calibration.ece(), (0.66 + 0.45) / 3.0, 1e-12);

  ASSERT_EQ(model.departments.size(), 2u);
  EXPECT_EQ(model.departments[0].department, "HR") << "most decisions first";
  EXPECT_EQ(model.departments[0].figures.decisions, 4);
  EXPECT_FALSE(model.departments[0].figures.accuracy()) << "nothing reviewed";
  EXPECT_EQ(model.departments[1].department, "IT Support");
  EXPECT_EQ(model.departments[1].figures.reviewed, 3);
  const auto table = model.departments[1].figures.calibration.table();
  EXPECT_EQ(table[8].count, 2);
  EXPECT_DOUBLE_EQ(*table[8].accuracy, 0.5);
  EXPECT_NEAR(*table[8].mean_confidence, 0.83, 1e-12);

  EXPECT_EQ(q[0].overall.decisions, 0) << "claude decided nothing";
  EXPECT_EQ(q[2].overall.decisions, 0);
}

}  // namespace
}  // namespace st::services::analytics
