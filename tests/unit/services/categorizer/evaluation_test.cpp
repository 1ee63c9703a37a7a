#include <gtest/gtest.h>

#include <sstream>

#include "services/categorizer/evaluation.hpp"

namespace st::services::categorizer {
namespace {

TEST(Evaluation, AccuracyPrecisionRecallAndMacroF1) {
  Evaluation e;
  // truth HR x3 (2 right, 1 -> IT), truth IT x2 (both right), truth Finance x1 (-> HR)
  e.add("HR", "HR");
  e.add("HR", "HR");
  e.add("HR", "IT");
  e.add("IT", "IT");
  e.add("IT", "IT");
  e.add("Finance", "HR");
  EXPECT_EQ(e.total(), 6u);
  EXPECT_NEAR(e.accuracy(), 4.0 / 6, 1e-9);
  EXPECT_NEAR(e.precision("HR"), 2.0 / 3, 1e-9);
  EXPECT_NEAR(e.recall("HR"), 2.0 / 3, 1e-9);
  EXPECT_NEAR(e.precision("IT"), 2.0 / 3, 1e-9);
  EXPECT_NEAR(e.recall("IT"), 1.0, 1e-9);
  EXPECT_EQ(e.f1("Finance"), 0.0);
  const double f1_it = 2 * (2.0 / 3) / (2.0 / 3 + 1.0);
  EXPECT_NEAR(e.macro_f1(), (2.0 / 3 + f1_it + 0.0) / 3, 1e-9);
  EXPECT_EQ(e.count("Finance", "HR"), 1u);
  EXPECT_EQ(e.count("HR", "Finance"), 0u);
}

TEST(Evaluation, PrintsTheAccuracyLineFirstAndTheMatrix) {
  Evaluation e;
  e.add("A", "A");
  e.add("A", "B");
  std::ostringstream out;
  e.print(out);
  const std::string s = out.str();
  EXPECT_EQ(s.rfind("accuracy 0.500\nmacro_f1 ", 0), 0u) << s;
  EXPECT_NE(s.find("confusion matrix"), std::string::npos);
  EXPECT_NE(s.find("A              1     1"), std::string::npos) << s;
}

TEST(Evaluation, EmptyIsZeroNotNaN) {
  Evaluation e;
  EXPECT_EQ(e.accuracy(), 0.0);
  EXPECT_EQ(e.macro_f1(), 0.0);
  EXPECT_EQ(e.precision("X"), 0.0);
}

// By hand: at 95, 95, 92 (wrong) and 100, 3 of 4 right at a mean confidence of 0.955; at 55,
// one right; at 45, one wrong. ECE = (0.82 + 0.45 + 0.45) / 6 = 0.287.
TEST(Evaluation, PrintsTheCalibrationOfDecisionsGivenWithAConfidence) {
  Evaluation e;
  e.add("HR", "HR", 95);
  e.add("HR", "HR", 95);
  e.add("IT", "HR", 92);
  e.add("IT", "IT", 55);
  e.add("IT", "HR", 45);
  e.add("HR", "HR", 100);
  EXPECT_NEAR(e.accuracy(), 4.0 / 6, 1e-9);
  EXPECT_EQ(e.calibration().count(), 6);
  EXPECT_NEAR(*e.calibration().ece(), 1.72 / 6, 1e-12);
  std::ostringstream out;
  e.print(out);
  const auto text = out.str();
  EXPECT_NE(text.find("ece 0.287\n"), std::string::npos) << text;
  // Accuracy 0.75 is 15 of 20 characters; the mean confidence 0.955 is at 19.
  EXPECT_NE(text.find("90-100           4      0.955     0.750  ###############    |\n"),
            std::string::npos)
      << text;
  // Under-confident: the mark falls inside the bar (0.55 at 11, accuracy 1 fills 20).
  EXPECT_NE(text.find("50-59            1      0.550     1.000  ###########|########\n"),
            std::string::npos)
      << text;
  // Nothing right: no bar, the mark alone (0.45 at 9).
  EXPECT_NE(text.find("40-49            1      0.450     0.000           |\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("0-9              0          -         -\n"), std::string::npos) << text;
}

TEST(Evaluation, WithoutConfidencesThereIsNoCalibrationSection) {
  Evaluation e;
  e.add("HR", "HR");
  std::ostringstream out;
  e.print(out);
  EXPECT_EQ(out.str().find("ece"), std::string::npos);
}

}  // namespace
}  // namespace st::services::categorizer
