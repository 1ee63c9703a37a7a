#include "learned_model/features/tfidf.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace st::learned_model {
namespace {

const std::vector<std::string> kDocs{"printer jam in the office", "printer out of toner",
                                     "invoice overdue for the office", "vpn drops every hour"};

double length(const SparseVector& v) {
  double s = 0;
  for (const auto& t : v) s += double(t.weight) * t.weight;
  return std::sqrt(s);
}

TEST(TfidfVectorizer, VectorsHaveUnitLengthSoADotProductIsACosine) {
  for (const auto analyzer : {Analyzer::words, Analyzer::chars_in_words}) {
    const TfidfVectorizer v(kDocs, {analyzer, 1, 3});
    for (const auto& d : kDocs) {
      EXPECT_NEAR(length(v.transform(d)), 1.0, 1e-5) << d;
      EXPECT_NEAR(dot(v.transform(d), v.transform(d)), 1.0, 1e-5) << d;
    }
  }
}

TEST(TfidfVectorizer, TermsNeverSeenAreLeftOut) {
  const TfidfVectorizer v(kDocs, {Analyzer::words, 1, 1});
  EXPECT_TRUE(v.transform("zebra quokka").empty());
  EXPECT_EQ(v.transform("zebra printer").size(), 1u);
  EXPECT_TRUE(v.transform("").empty());
}

TEST(TfidfVectorizer, RareTermsWeighMoreThanCommonOnes) {
  const TfidfVectorizer v(kDocs, {Analyzer::words, 1, 1});
  const auto x = v.transform("printer jam");  // "printer" is in two documents, "jam" in one
  ASSERT_EQ(x.size(), 2u);
  const auto jam = v.transform("jam")[0].id;
  const float jam_weight = x[0].id == jam ? x[0].weight : x[1].weight;
  const float printer_weight = x[0].id == jam ? x[1].weight : x[0].weight;
  EXPECT_GT(jam_weight, printer_weight);
}

TEST(TfidfVectorizer, WordNgramsKeepWordOrder) {
  const TfidfVectorizer unigrams(kDocs, {Analyzer::words, 1, 1});
  const TfidfVectorizer bigrams(kDocs, {Analyzer::words, 2, 2});
  EXPECT_NEAR(dot(unigrams.transform("printer jam"), unigrams.transform("jam printer")), 1.0, 1e-5);
  EXPECT_EQ(bigrams.transform("printer jam").size(), 1u);
  EXPECT_TRUE(bigrams.transform("jam printer").empty());
}

TEST(TfidfVectorizer, CharacterNgramsMatchInflectedWords) {
  const TfidfVectorizer v(kDocs, {Analyzer::chars_in_words, 3, 5});
  const double related = dot(v.transform("printers"), v.transform("printer"));
  const double unrelated = dot(v.transform("printers"), v.transform("invoice"));
  EXPECT_GT(related, 0.5);
  EXPECT_LT(unrelated, 0.1);
}

TEST(TfidfVectorizer, AWordShorterThanTheNgramCountsAsAWhole) {
  const TfidfVectorizer v({"a b", "ab cd"}, {Analyzer::chars_in_words, 4, 5});
  EXPECT_FALSE(v.transform("a").empty());  // " a " is shorter than 4: one term
  EXPECT_NEAR(dot(v.transform("a"), v.transform("a")), 1.0, 1e-5);
}

}  // namespace
}  // namespace st::learned_model
