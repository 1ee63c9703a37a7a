#include "domain/calibration.hpp"

#include <gtest/gtest.h>

namespace st::domain {
namespace {

TEST(CalibrationBin, TensWithOneHundredInTheTopBin) {
  EXPECT_EQ(calibration_bin(0), 0u);
  EXPECT_EQ(calibration_bin(9), 0u);
  EXPECT_EQ(calibration_bin(10), 1u);
  EXPECT_EQ(calibration_bin(59), 5u);
  EXPECT_EQ(calibration_bin(90), 9u);
  EXPECT_EQ(calibration_bin(100), 9u);
  EXPECT_EQ(calibration_bin(-3), 0u) << "out of range scores clamp";
}

TEST(Calibration, NothingCountedHasNoAccuracyAndNoError) {
  const Calibration c;
  EXPECT_EQ(c.count(), 0);
  EXPECT_FALSE(c.accuracy());
  EXPECT_FALSE(c.ece());
  ASSERT_EQ(c.table().size(), kCalibrationBins);
  for (const auto& row : c.table()) {
    EXPECT_EQ(row.count, 0);
    EXPECT_FALSE(row.mean_confidence);
    EXPECT_FALSE(row.accuracy);
  }
}

// By hand: the top bin holds 95, 95, 92 (wrong) and 100: 3 right of 4 (0.75) at a mean
// confidence of 3.82 / 4 = 0.955, off by 0.205; 55 (right) is off by 0.45 and 45 (wrong) by
// 0.45. ECE = (4/6)(0.205) + (1/6)(0.45) + (1/6)(0.45) = 1.72 / 6.
TEST(Calibration, ReliabilityTableAndExpectedCalibrationErrorByHand) {
  Calibration c;
  c.add(95, true);
  c.add(95, true);
  c.add(92, false);
  c.add(55, true);
  c.add(45, false);
  c.add(100, true);
  EXPECT_EQ(c.count(), 6);
  EXPECT_DOUBLE_EQ(*c.accuracy(), 4.0 / 6.0);
  EXPECT_NEAR(*c.ece(), 1.72 / 6.0, 1e-12);

  const auto table = c.table();
  ASSERT_EQ(table.size(), 10u);
  EXPECT_EQ(table[9].from, 90);
  EXPECT_EQ(table[9].to, 100);
  EXPECT_EQ(table[9].count, 4);
  EXPECT_NEAR(*table[9].mean_confidence, 0.955, 1e-12);
  EXPECT_DOUBLE_EQ(*table[9].accuracy, 0.75);
  EXPECT_EQ(table[5].from, 50);
  EXPECT_EQ(table[5].to, 59);
  EXPECT_EQ(table[5].count, 1);
  EXPECT_DOUBLE_EQ(*table[5].accuracy, 1.0);
  EXPECT_EQ(table[4].count, 1);
  EXPECT_DOUBLE_EQ(*table[4].accuracy, 0.0);
  EXPECT_NEAR(*table[4].mean_confidence, 0.45, 1e-12);
  EXPECT_EQ(table[0].count, 0);
  EXPECT_FALSE(table[0].accuracy);
}

TEST(Calibration, PerfectlyCalibratedBinsHaveNoError) {
  Calibration c;
  // Four at 75: three right.
  for (int i = 0; i < 4; ++i) c.add(75, i < 3);
  EXPECT_NEAR(*c.ece(), 0.0, 1e-12);
}

TEST(Calibration, TalliesCountedApartAddUpToTheSame) {
  Calibration one_by_one;
  one_by_one.add(95, true);
  one_by_one.add(92, false);
  one_by_one.add(45, false);

  Calibration tallied;
  tallied.add_tally(9, {.count = 2, .correct = 1, .confidence_sum = 187});
  Calibration other;
  other.add_tally(4, {.count = 1, .correct = 0, .confidence_sum = 45});
  tallied += other;
  EXPECT_EQ(tallied.count(), 3);
  EXPECT_DOUBLE_EQ(*tallied.ece(), *one_by_one.ece());
  EXPECT_DOUBLE_EQ(*tallied.accuracy(), *one_by_one.accuracy());
  EXPECT_THROW(tallied.add_tally(10, {}), std::out_of_range);
}

}  // namespace
}  // namespace st::domain
