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

}  // namespace
}  // namespace st::services::categorizer
