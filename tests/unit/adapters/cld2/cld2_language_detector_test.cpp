#include "adapters/cld2/cld2_language_detector.hpp"

#include <gtest/gtest.h>

namespace st::adapters::cld2 {
namespace {

const Cld2LanguageDetector detector;

TEST(Cld2LanguageDetectorTest, TellsTheLanguageOfATicket) {
  EXPECT_EQ(detector.detect("VPN keeps disconnecting\nSince this morning the VPN drops every few "
                            "minutes and I lose my work."),
            "en");
  EXPECT_EQ(detector.detect("La impresora no funciona\nLa impresora de la segunda planta no "
                            "imprime desde ayer y muestra un error."),
            "es");
  EXPECT_EQ(detector.detect("Der Drucker funktioniert nicht\nSeit gestern druckt der Drucker im "
                            "zweiten Stock nicht mehr."),
            "de");
  EXPECT_EQ(detector.detect("L'imprimante ne fonctionne pas\nDepuis hier, l'imprimante du "
                            "deuxième étage n'imprime plus rien."),
            "fr");
}

TEST(Cld2LanguageDetectorTest, ShortTextIsUndetermined) {
  EXPECT_EQ(detector.detect("VPN down"), std::nullopt);
  EXPECT_EQ(detector.detect("Help"), std::nullopt);
  EXPECT_EQ(detector.detect(""), std::nullopt);
  EXPECT_EQ(detector.detect("12345 67890 !!!"), std::nullopt);
}

TEST(Cld2LanguageDetectorTest, InvalidUtf8IsUndetermined) {
  EXPECT_EQ(detector.detect("The printer on the second floor \xff\xfe does not print anymore."),
            std::nullopt);
}

TEST(Cld2LanguageDetectorTest, AnswersTwoLetterCodesOnly) {
  // Traditional Chinese is "zh-Hant" to CLD2: the ISO 639-1 part is kept.
  const auto zh =
      detector.detect("我的電腦無法連接到公司的網絡，請幫我檢查一下網絡設定和密碼是否正確。");
  ASSERT_TRUE(zh);
  EXPECT_EQ(*zh, "zh");
}

}  // namespace
}  // namespace st::adapters::cld2
