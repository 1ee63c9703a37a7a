#include "learned_model/linear_classifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace st::learned_model {
namespace {

// Class c is marked by feature c (plus a shared feature 3 that says nothing).
std::vector<SparseVector> rows() {
  std::vector<SparseVector> x;
  for (int i = 0; i < 30; ++i) {
    const auto c = static_cast<std::uint32_t>(i % 3);
    x.push_back({{c, 1.0f}, {3, 0.5f}});
  }
  return x;
}
std::vector<std::size_t> labels() {
  std::vector<std::size_t> y;
  for (int i = 0; i < 30; ++i) y.push_back(static_cast<std::size_t>(i % 3));
  return y;
}

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

TEST(LinearClassifier, TheSvmSeparatesClassesByTheirFeatures) {
  const auto svm = LinearClassifier::train(rows(), labels(), 3, 4, {LinearKind::svm, 1.0});
  for (std::uint32_t c = 0; c < 3; ++c) {
    const auto d = svm.decision_values({{c, 1.0f}, {3, 0.5f}});
    EXPECT_EQ(argmax(d), c);
    EXPECT_GT(d[c], 0.0);
  }
}

TEST(LinearClassifier, LogisticProbabilitiesSumToOneAndFavourTheRightClass) {
  const auto lr = LinearClassifier::train(rows(), labels(), 3, 4, {LinearKind::logistic, 1.0});
  const auto p = lr.probabilities({{1, 1.0f}});
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-9);
  EXPECT_EQ(argmax(p), 1u);
  EXPECT_GT(p[1], 0.5);
}

TEST(LinearClassifier, AClassWithoutExamplesIsNeverPredicted) {
  const auto lr = LinearClassifier::train(rows(), labels(), 4, 4, {LinearKind::logistic, 1.0});
  EXPECT_FALSE(lr.present()[3]);
  EXPECT_EQ(lr.decision_values({{3, 1.0f}})[3], LinearClassifier::kAbsent);
  EXPECT_EQ(lr.probabilities({{3, 1.0f}})[3], 0.0);
}

TEST(LinearClassifier, TwoClassesScoreOppositeSides) {
  std::vector<SparseVector> x{{{0, 1.0f}}, {{1, 1.0f}}, {{0, 1.0f}}, {{1, 1.0f}}};
  const auto svm = LinearClassifier::train(x, {0, 1, 0, 1}, 2, 2, {LinearKind::svm, 1.0});
  EXPECT_EQ(argmax(svm.decision_values({{0, 1.0f}})), 0u);
  EXPECT_EQ(argmax(svm.decision_values({{1, 1.0f}})), 1u);
}

TEST(LinearClassifier, OneClassOnlyIsAlwaysTheAnswer) {
  const auto svm =
      LinearClassifier::train({{{0, 1.0f}}, {{1, 1.0f}}}, {2, 2}, 3, 2, {LinearKind::svm, 1.0});
  EXPECT_EQ(argmax(svm.decision_values({{0, 1.0f}})), 2u);
}

TEST(LinearClassifier, SavedWeightsGiveTheSameScores) {
  const auto svm = LinearClassifier::train(rows(), labels(), 3, 4, {LinearKind::svm, 1.0});
  const auto copy =
      LinearClassifier::from_weights(svm.options(), 3, 4, svm.weights(), svm.present());
  const SparseVector x{{0, 0.3f}, {2, 0.7f}, {3, 1.0f}};
  EXPECT_EQ(copy.decision_values(x), svm.decision_values(x));
  EXPECT_THROW(LinearClassifier::from_weights(svm.options(), 3, 5, svm.weights(), svm.present()),
               std::invalid_argument);
}

TEST(LinearClassifier, RefusesInconsistentInput) {
  EXPECT_THROW(LinearClassifier::train({}, {}, 2, 2, {}), std::invalid_argument);
  EXPECT_THROW(LinearClassifier::train(rows(), {0, 1}, 3, 4, {}), std::invalid_argument);
  EXPECT_THROW(LinearClassifier::train(rows(), labels(), 2, 4, {}), std::invalid_argument);
  EXPECT_THROW(LinearClassifier::train(rows(), labels(), 3, 2, {}), std::invalid_argument);
  // Features the classifier never saw are ignored at prediction time.
  const auto svm = LinearClassifier::train(rows(), labels(), 3, 4, {LinearKind::svm, 1.0});
  EXPECT_EQ(svm.decision_values({{99, 1.0f}}).size(), 3u);
}

}  // namespace
}  // namespace st::learned_model
