#include <gtest/gtest.h>

#include "learned_model/model_text.hpp"

namespace st::learned_model {
namespace {

TEST(ModelText, OneLineOfLowerCaseStemsSeparatedBySpaces) {
  EXPECT_EQ(model_text("Printers JAMMED, again!"), "print jam again");
  EXPECT_EQ(model_text("Printers JAMMED", "again!", ModelFeatures::words), "printers jammed again");
  EXPECT_EQ(model_text("VPN", "drops\nevery\tfew minutes"), "vpn drop every few minut");
}

TEST(ModelText, EscapedLineBreaksSeparateWords) {
  EXPECT_EQ(model_text("Dear team,\\n\\nThe VPN", "", ModelFeatures::words), "dear team the vpn");
}

TEST(ModelText, NoStopVariantsDropFunctionWordsAndGreetings) {
  EXPECT_EQ(model_text("Dear team, I can't print", "Thanks for the help with my printers",
                       ModelFeatures::stems_nostop),
            "team print help print");
  EXPECT_EQ(model_text("Could you reset my password?", "", ModelFeatures::words_nostop),
            "reset password");
}

TEST(ModelText, EmptyAndSymbolOnlyTextGiveAnEmptyLine) {
  EXPECT_EQ(model_text("", ""), "");
  EXPECT_EQ(model_text("!!! --- ???"), "");
}

TEST(ModelText, FeatureNamesRoundTrip) {
  for (auto f : {ModelFeatures::words, ModelFeatures::stems, ModelFeatures::words_nostop,
                 ModelFeatures::stems_nostop})
    EXPECT_EQ(parse_model_features(to_string(f)), f);
  EXPECT_FALSE(parse_model_features("nope"));
}

}  // namespace
}  // namespace st::learned_model
