#include "learned_model/features/stacked_features.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace st::learned_model {
namespace {

std::vector<double> dense(const SparseVector& v, std::size_t width) {
  std::vector<double> out(width, 0.0);
  for (const auto& t : v) out.at(t.id) = t.weight;
  return out;
}

TEST(StackedFeatures, WidthFollowsThePartsAModelHas) {
  EXPECT_EQ(stacked_width({true, false, false}, 3), 3u);
  EXPECT_EQ(stacked_width({true, true, false}, 3), 6u);
  EXPECT_EQ(stacked_width({true, true, true}, 3), 6u + 16u);
}

TEST(StackedFeatures, FastTextLogProbabilitiesAreFlooredSoUnseenDepartmentsStayFinite) {
  const auto f = dense(
      stacked_features({true, false, false}, 3, {std::log(0.9), -INFINITY, -50.0}, {}, {}), 3);
  EXPECT_NEAR(f[0], std::log(0.9), 1e-6);
  EXPECT_NEAR(f[1], std::log(1e-4), 1e-4);
  EXPECT_NEAR(f[2], std::log(1e-4), 1e-4);
}

TEST(StackedFeatures, TheNearestTicketSpeaksForItsDepartmentMoreTheCloserItIs) {
  const StackedParts parts{true, true, true};
  const std::vector<double> log_p{0, 0}, svm{0.5, -0.5};
  const auto close = dense(stacked_features(parts, 2, log_p, svm, {{1, 7, 0.9f}, {0, 3, 0.2f}}),
                           stacked_width(parts, 2));
  // fastText 0-1, SVM 2-3, then similarity, square, >0.35, >0.5 (each per department),
  // votes per department, top similarity.
  EXPECT_DOUBLE_EQ(close[2], 0.5);
  EXPECT_NEAR(close[4 + 1], 0.9, 1e-6);
  EXPECT_EQ(close[4 + 0], 0.0);
  EXPECT_NEAR(close[6 + 1], 0.81, 1e-6);
  EXPECT_EQ(close[8 + 1], 1.0);
  EXPECT_EQ(close[10 + 1], 1.0);
  EXPECT_NEAR(close[12 + 1], std::pow(0.9, 4), 1e-6);
  EXPECT_NEAR(close[12 + 0], std::pow(0.2, 4), 1e-6);
  EXPECT_NEAR(close[14], 0.9, 1e-6);

  const auto loose =
      dense(stacked_features(parts, 2, log_p, svm, {{1, 7, 0.4f}}), stacked_width(parts, 2));
  EXPECT_EQ(loose[8 + 1], 1.0);
  EXPECT_EQ(loose[10 + 1], 0.0);

  const auto none = dense(stacked_features(parts, 2, log_p, svm, {}), stacked_width(parts, 2));
  for (std::size_t i = 4; i < none.size(); ++i) EXPECT_EQ(none[i], 0.0) << i;
}

}  // namespace
}  // namespace st::learned_model
