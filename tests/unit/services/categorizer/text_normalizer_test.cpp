#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "services/categorizer/text_normalizer.hpp"

namespace st::services::categorizer {
namespace {

using Tokens = std::vector<std::string>;

Tokens tokens(std::string_view text) {
  Tokens out;
  for_each_token(text, [&out](std::string_view t) { out.emplace_back(t); });
  return out;
}

// Tokens with a "|" in front of each one that follows sentence punctuation.
std::string marked(std::string_view text) {
  std::string out;
  for_each_token(text, [&out](std::string_view t, bool after_break) {
    if (!out.empty()) out += ' ';
    if (after_break) out += '|';
    out += t;
  });
  return out;
}

TEST(Tokenizer, LowerCasesAndSplitsOnPunctuation) {
  EXPECT_EQ(tokens("Printer OFFLINE, again!"), (Tokens{"printer", "offline", "again"}));
  EXPECT_EQ(tokens("Wi-Fi/VPN (office)"), (Tokens{"wi", "fi", "vpn", "office"}));
  EXPECT_EQ(tokens("  \t\n "), Tokens{});
  EXPECT_EQ(tokens(""), Tokens{});
  EXPECT_EQ(tokens("ann@example.com"), (Tokens{"ann", "example", "com"}));
}

TEST(Tokenizer, KeepsDigitsInsideTokens) {
  EXPECT_EQ(tokens("2FA on Windows 11, 401k and W-2"),
            (Tokens{"2fa", "on", "windows", "11", "401k", "and", "w", "2"}));
}

TEST(Tokenizer, DropsApostrophesInsideWords) {
  EXPECT_EQ(tokens("Can't log in to the employee's account"),
            (Tokens{"cant", "log", "in", "to", "the", "employees", "account"}));
  EXPECT_EQ(tokens("won\xE2\x80\x99t boot"), (Tokens{"wont", "boot"}));  // U+2019
  EXPECT_EQ(tokens("'quoted' words'"), (Tokens{"quoted", "words"}));
}

TEST(Tokenizer, UnicodePunctuationSplitsAndLettersStay) {
  // Curly quotes, an em dash, a no-break space and an emoji separate words.
  EXPECT_EQ(tokens("\xE2\x80\x9Cprinter\xE2\x80\x9D\xE2\x80\x94jam\xC2\xA0now\xF0\x9F\x94\xA5ok"),
            (Tokens{"printer", "jam", "now", "ok"}));
  // Accented Latin capitals are lower-cased; other scripts are kept whole.
  EXPECT_EQ(tokens("\xC3\x89"
                   "COLE caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87"),
            (Tokens{"\xC3\xA9"
                    "cole",
                    "caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87"}));
}

TEST(Tokenizer, SurvivesInvalidUtf8) {
  EXPECT_EQ(tokens("lap\xFFtop \xE2\x82"), (Tokens{"lap", "top"}));
}

TEST(Tokenizer, CutsVeryLongTokens) {
  const Tokens t = tokens(std::string(500, 'x') + " vpn");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].size(), kMaxTokenBytes);
  EXPECT_EQ(t[1], "vpn");
}

TEST(Tokenizer, ReportsSentenceAndListBreaks) {
  EXPECT_EQ(marked("very hot. Water leaks"), "very hot |water leaks");
  EXPECT_EQ(marked("keys, card; badge: door! ok? line\nnext"),
            "keys |card |badge |door |ok |line |next");
  EXPECT_EQ(marked("Wi-Fi A/C P&L e-mail"), "wi fi a c p l e mail");
  EXPECT_EQ(marked(". leading"), "|leading");
  EXPECT_EQ(marked("wait\xE2\x80\xA6 what"), "wait |what");  // ellipsis
}

TEST(Stemmer, InflectionsShareAStem) {
  const std::vector<std::pair<std::vector<const char*>, const char*>> groups{
      {{"print", "prints", "printer", "printers", "printing", "printed"}, "print"},
      {{"password", "passwords"}, "password"},
      {{"reimburse", "reimbursed", "reimbursement", "reimbursements", "reimbursing"}, "reimburs"},
      {{"invoice", "invoices", "invoiced", "invoicing"}, "invoic"},
      {{"tax", "taxes"}, "tax"},
      {{"policy", "policies"}, "policy"},
      {{"apply", "applied"}, "apply"},
      {{"jam", "jams", "jammed", "jamming"}, "jam"},
      {{"install", "installs", "installed", "installing", "installation"}, "install"},
      {{"leave", "leaves", "leaving"}, "leav"},
      {{"conditioning", "conditioner"}, "condit"},
      {{"heat", "heater", "heating", "heated"}, "heat"},
      {{"log", "logged", "logging"}, "log"},
      {{"crash", "crashes", "crashed", "crashing"}, "crash"},
      {{"update", "updates", "updated", "updating"}, "upd"},
      {{"scan", "scanner", "scanned", "scanning"}, "scan"},
      {{"order", "orders", "ordered", "ordering"}, "ord"},
      {{"harass", "harassed", "harassment"}, "harass"},
      {{"recruit", "recruiter", "recruiting", "recruitment"}, "recruit"},
      {{"locker", "lockers"}, "locker"},
      {{"building", "buildings"}, "building"},
      {{"payment", "payments"}, "payment"},
  };
  for (const auto& [words, expected] : groups)
    for (const char* w : words) EXPECT_EQ(stem(w), expected) << w;
}

TEST(Stemmer, LeavesNonPluralsAndShortWordsAlone) {
  for (const char* w : {"access", "virus", "status", "analysis", "bus", "vpn", "pc", "it", "hr",
                        "need", "string", "user", "email", "bonus", "address", "staff"}) {
    EXPECT_EQ(stem(w), w);
  }
  EXPECT_EQ(stem("vpns"), "vpn");
  EXPECT_EQ(stem("bonuses"), "bonus");
  EXPECT_EQ(stem("emails"), "email");
}

TEST(Stemmer, KeepsUnrelatedWordsApart) {
  // Each pair would collide under naive suffix stripping and point at another department.
  const std::vector<std::pair<const char*, const char*>> apart{
      {"windows", "window"}, {"accounting", "account"}, {"charger", "charge"}, {"fired", "fire"},
      {"building", "build"}, {"mice", "mic"},           {"career", "car"},     {"router", "route"},
      {"server", "serve"},   {"email", "mail"},         {"taxi", "tax"},       {"pineapple", "pin"},
      {"toner", "ton"},      {"speakers", "speak"},     {"leave", "leak"},
  };
  for (const auto& [a, b] : apart) EXPECT_NE(stem(a), stem(b)) << a << " vs " << b;
}

TEST(Stemmer, LeavesNumbersAndNonAsciiVerbatim) {
  EXPECT_EQ(stem("401k"), "401k");
  EXPECT_EQ(stem("2fas"), "2fas");
  EXPECT_EQ(stem("caf\xC3\xA9s"), "caf\xC3\xA9s");
}

TEST(Normalize, TokenizesAndStems) {
  EXPECT_EQ(normalize("The PRINTERS aren't printing invoices!"),
            (Tokens{"the", "print", "arent", "print", "invoic"}));
}

}  // namespace
}  // namespace st::services::categorizer
