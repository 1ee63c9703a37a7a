#include "adapters/anthropic/pii_redactor.hpp"

#include <gtest/gtest.h>

namespace st::adapters::anthropic {
namespace {

// ---- the checks --------------------------------------------------------------------------

TEST(PiiChecksTest, LuhnAcceptsTestCardNumbersAndRejectsAChangedDigit) {
  EXPECT_TRUE(passes_luhn("4111111111111111"));
  EXPECT_TRUE(passes_luhn("5555555555554444"));
  EXPECT_TRUE(passes_luhn("378282246310005"));
  EXPECT_FALSE(passes_luhn("4111111111111112"));
  EXPECT_FALSE(passes_luhn("41111111x1111111"));
  EXPECT_FALSE(passes_luhn(""));
}

TEST(PiiChecksTest, IbanMod97AcceptsRealIbansAndRejectsAChangedDigit) {
  EXPECT_TRUE(passes_iban_check("DE89370400440532013000"));
  EXPECT_TRUE(passes_iban_check("GB82WEST12345698765432"));
  EXPECT_TRUE(passes_iban_check("ES9121000418450200051332"));
  EXPECT_TRUE(passes_iban_check("FR1420041010050500013M02606"));
  EXPECT_FALSE(passes_iban_check("DE89370400440532013001"));
  EXPECT_FALSE(passes_iban_check("DE8937040044"));  // too short
}

// ---- what is replaced --------------------------------------------------------------------

TEST(PiiRedactorTest, ReplacesEmailAddresses) {
  EXPECT_EQ(redact_pii("Write to maria.lopez+it@example.co.uk, or to bob@corp.example."),
            "Write to [email], or to [email].");
  EXPECT_EQ(redact_pii("<jane_doe99@mail.example.org>"), "<[email]>");
}

TEST(PiiRedactorTest, ReplacesCardNumbersThatPassLuhnWithOrWithoutSeparators) {
  EXPECT_EQ(redact_pii("Card 4111 1111 1111 1111 was charged twice"),
            "Card [card] was charged twice");
  EXPECT_EQ(redact_pii("card: 5555-5555-5555-4444."), "card: [card].");
  EXPECT_EQ(redact_pii("Amex 378282246310005"), "Amex [card]");
  EXPECT_EQ(redact_pii("4111111111111111"), "[card]");
}

TEST(PiiRedactorTest, ACardFollowedByAYearLosesOnlyTheCard) {
  EXPECT_EQ(redact_pii("4111 1111 1111 1111 2027"), "[card] 2027");
}

TEST(PiiRedactorTest, ReplacesIbansWrittenInGroupsOrInOneRun) {
  EXPECT_EQ(redact_pii("Refund to DE89 3704 0044 0532 0130 00 please"), "Refund to [iban] please");
  EXPECT_EQ(redact_pii("IBAN: GB82WEST12345698765432."), "IBAN: [iban].");
  EXPECT_EQ(redact_pii("cuenta ES91 2100 0418 4502 0005 1332"), "cuenta [iban]");
  EXPECT_EQ(redact_pii("FR14 2004 1010 0505 0001 3M02 606"), "[iban]");
}

TEST(PiiRedactorTest, ReplacesPhoneNumbersByTheirShape) {
  EXPECT_EQ(redact_pii("Call +49 171 2345678 today"), "Call [phone] today");
  EXPECT_EQ(redact_pii("+1 (415) 555-2671"), "[phone]");
  EXPECT_EQ(redact_pii("office (555) 123-4567"), "office [phone]");
  EXPECT_EQ(redact_pii("desk 555-123-4567."), "desk [phone].");
  EXPECT_EQ(redact_pii("Festnetz 030 1234567, mobil 0171/2345678"),
            "Festnetz [phone], mobil [phone]");
  EXPECT_EQ(redact_pii("portable 06 12 34 56 78"), "portable [phone]");
  EXPECT_EQ(redact_pii("+33612345678"), "[phone]");
}

TEST(PiiRedactorTest, ReplacesANumberAnnouncedAsAPhone) {
  EXPECT_EQ(redact_pii("call me at 612 345 678"), "call me at [phone]");
  EXPECT_EQ(redact_pii("Mi teléfono es 612345678"), "Mi teléfono es [phone]");
  EXPECT_EQ(redact_pii("Phone: 4155552671"), "Phone: [phone]");
  EXPECT_EQ(redact_pii("Rufen Sie mich unter 7654321 an"), "Rufen Sie mich unter [phone] an");
}

TEST(PiiRedactorTest, ReplacesEveryKindInOneText) {
  const auto out = redact_pii(
      "I am ana@example.com, +34 612 345 678. Card 4111-1111-1111-1111, IBAN "
      "ES9121000418450200051332.");
  EXPECT_EQ(out, "I am [email], [phone]. Card [card], IBAN [iban].");
}

// ---- what stays --------------------------------------------------------------------------

TEST(PiiRedactorTest, KeepsA16DigitNumberThatFailsLuhn) {
  EXPECT_EQ(redact_pii("Reference 4111111111111112"), "Reference 4111111111111112");
  EXPECT_EQ(redact_pii("ref 4111 1111 1111 1112"), "ref 4111 1111 1111 1112");
}

TEST(PiiRedactorTest, KeepsAnIbanThatFailsItsCheck) {
  EXPECT_EQ(redact_pii("DE89 3704 0044 0532 0130 01"), "DE89 3704 0044 0532 0130 01");
}

TEST(PiiRedactorTest, KeepsOrderNumbersAndIdentifiers) {
  for (const std::string text :
       {"Order 12345678 never arrived", "order #0012345678", "Please call about order 98765432",
        "invoice INV-0171234567", "asset tag 0012-3456-78", "ticket 1234567"})
    EXPECT_EQ(redact_pii(text), text);
}

TEST(PiiRedactorTest, KeepsDatesTimesVersionsAndAddresses) {
  for (const std::string text :
       {"Since 2024-03-15 10:30 the VPN drops", "on 15.03.2024", "due 03/15/2024",
        "call on 2024-03-15", "version 10.2.3", "server 192.168.100.200 is down",
        "room 4.12, building 7", "user@localhost", "50% of 1,234,567"})
    EXPECT_EQ(redact_pii(text), text);
}

TEST(PiiRedactorTest, KeepsTextWithoutPersonalData) {
  const std::string text = "The printer on floor 3 jams on every A4 page; error E-1234.";
  EXPECT_EQ(redact_pii(text), text);
  EXPECT_EQ(redact_pii(""), "");
}

}  // namespace
}  // namespace st::adapters::anthropic
