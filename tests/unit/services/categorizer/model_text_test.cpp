#include <gtest/gtest.h>

#include "services/categorizer/model_text.hpp"

namespace st::services::categorizer {
namespace {

TEST(ModelText, OneLineOfLowerCaseStemsSeparatedBySpaces) {
  EXPECT_EQ(model_text("Printers JAMMED, again!"), "print jam again");
  EXPECT_EQ(model_text("Printers JAMMED", "again!", ModelFeatures::words), "printers jammed again");
  EXPECT_EQ(model_text("VPN", "drops\nevery\tfew minutes"), "vpn drop every few minut");
}

TEST(ModelText, EscapedLineBreaksSeparateWords) {
  EXPECT_EQ(model_text("Dear team,\\n\\nThe VPN", "", ModelFeatures::words), "dear team the vpn");
}

TEST(ModelText, EmptyAndSymbolOnlyTextGiveAnEmptyLine) {
  EXPECT_EQ(model_text("", ""), "");
  EXPECT_EQ(model_text("!!! --- ???"), "");
}

TEST(ModelText, FeatureNamesRoundTrip) {
  for (auto f : {ModelFeatures::words, ModelFeatures::stems})
    EXPECT_EQ(parse_model_features(to_string(f)), f);
  EXPECT_FALSE(parse_model_features("nope"));
}

}  // namespace
}  // namespace st::services::categorizer
