#include "services/categorizer/language_gated_categorizer.hpp"

#include <gtest/gtest.h>

namespace st::services::categorizer {
namespace {

// Says whatever language it is told to, and what text it was asked about.
class StubDetector final : public ports::LanguageDetector {
 public:
  std::optional<std::string> detect(std::string_view text) const override {
    asked = std::string(text);
    return language;
  }
  std::optional<std::string> language;
  mutable std::string asked;
};

class CountingModel final : public ports::Categorizer {
 public:
  std::optional<ports::Categorization> categorize(const ports::CategorizationRequest& r) override {
    ++calls;
    return ports::Categorization{r.departments.front(), 95, domain::CategorizedBy::model, "sure",
                                 "model-1"};
  }
  std::string_view name() const override { return "model"; }
  int calls = 0;
};

ports::CategorizationRequest request() {
  return {"La impresora no imprime", "Desde ayer no funciona.", {"IT Support", "HR"}};
}

class LanguageGatedCategorizerTest : public ::testing::Test {
 protected:
  StubDetector detector;
  CountingModel model;
  metrics::Registry registry;
  LanguageGatedCategorizer gated{model, detector, {"en"}, &registry};
};

TEST_F(LanguageGatedCategorizerTest, ATicketInAnotherLanguageIsNotAskedAndIsCounted) {
  detector.language = "es";
  EXPECT_EQ(gated.categorize(request()), std::nullopt);
  EXPECT_EQ(model.calls, 0);
  EXPECT_EQ(detector.asked, "La impresora no imprime\nDesde ayer no funciona.");
  EXPECT_NE(
      registry.render().find("smartticket_categorizer_language_skips_total{strategy=\"model\"} 1"),
      std::string::npos);
}

TEST_F(LanguageGatedCategorizerTest, ATicketInAKnownLanguageIsDecidedByTheStrategy) {
  detector.language = "en";
  const auto decided = gated.categorize(request());
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->categorized_by, domain::CategorizedBy::model);
  EXPECT_EQ(model.calls, 1);
}

TEST_F(LanguageGatedCategorizerTest, ATicketWhoseLanguageIsUndeterminedIsAskedAsBefore) {
  detector.language = std::nullopt;
  EXPECT_TRUE(gated.categorize(request()));
  EXPECT_EQ(model.calls, 1);
}

TEST_F(LanguageGatedCategorizerTest, KeepsTheStrategysName) {
  EXPECT_EQ(gated.name(), "model");
}

}  // namespace
}  // namespace st::services::categorizer
