// fastText's answers for a text without each of its terms, from one pass over the text, equal
// to predicting each variant: words, character n-grams and word n-grams, repeated and unknown
// terms, texts of one word and of other alphabets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "learned_model/fasttext/engine.hpp"
#include "learned_model/text_model.hpp"

namespace st::learned_model::detail {
namespace {

constexpr double kTolerance = 1e-6;  // on each probability
constexpr std::size_t kLabels = 4;   // label 3 is never seen in training: always -inf

std::vector<Example> examples() {
  const std::vector<std::vector<const char*>> phrases{
      {"laptop does not boot", "password reset needed", "vpn keeps dropping",
       "printer driver missing", "outlook crashes on start", "monitor shows no signal",
       "email account locked", "wifi is slow on my laptop", "der drucker druckt nicht",
       "принтер не печатает"},
      {"heating is broken in the office", "toilet is leaking", "light in the corridor flickers",
       "need a parking space", "the elevator is stuck", "window does not close",
       "the kitchen sink is blocked", "office chair is broken", "la fenêtre ne ferme pas",
       "кондиционер сломан"},
      {"invoice not paid yet", "expense report reimbursement", "purchase order for monitors",
       "budget for the team event", "corporate card declined", "supplier payment overdue",
       "refund of my travel costs", "cost center for the invoice", "rechnung nicht bezahlt",
       "счёт не оплачен"},
  };
  std::vector<Example> out;
  for (std::size_t label = 0; label < phrases.size(); ++label)
    for (const char* p : phrases[label]) {
      out.push_back({p, label, 1});
      out.push_back({std::string(p) + " again today", label, 1});
    }
  return out;
}

std::unique_ptr<Engine> trained(int word_ngrams, int minn, int maxn) {
  TrainingOptions o;
  o.epoch = 20;
  o.word_ngrams = word_ngrams;
  o.minn = minn;
  o.maxn = maxn;
  o.bucket = 20'000;
  const auto all = examples();
  std::vector<const Example*> pointers;
  for (const auto& e : all) pointers.push_back(&e);
  return train_engine(pointers, o);
}

// Every distinct term, as ModelCategorizer tries them (without its cap).
std::vector<std::string_view> terms_of(std::string_view text) {
  return distinct_terms(text, std::numeric_limits<std::size_t>::max());
}

const std::vector<std::string> kTexts{
    "my laptop password is locked",
    "laptop",
    "printer printer paper printer jam printer",  // repeated, adjacent and apart
    "xyzzy qwrtp laptop frobnicate",              // words the model never saw
    "zzzz",                                       // nothing known but character n-grams
    "der drucker im büro druckt nicht mehr",
    "принтер в офисе не печатает и кондиционер сломан",
    "打印机 坏了 打印机",
    "the  heating  is broken",                 // two spaces, as text_without() keeps them
    "__label__1 invoice __label__1 not paid",  // label-like words fastText leaves out
    "refund refund",
    "",
    "invoice not paid yet again today for the team event budget and the supplier payment is "
    "overdue and my corporate card was declined when I paid the hotel of my travel so I need "
    "a refund of my travel costs to the cost center of the invoice",
};

// Each variant's probabilities (p + 1e-5 as fastText logs them; -inf stays -inf) match.
void expect_matches_predictions(const Engine& engine, std::string_view text,
                                const std::vector<std::string_view>& terms) {
  const auto map = output_labels(engine, kLabels);
  const auto fast = engine.log_probabilities_without(map, kLabels, text, terms);
  ASSERT_TRUE(fast) << text;
  ASSERT_EQ(fast->size(), terms.size());
  std::string without;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    text_without(text, terms[i], without);
    const auto slow = log_probabilities(engine, map, kLabels, without);
    ASSERT_EQ((*fast)[i].size(), slow.size());
    for (std::size_t k = 0; k < slow.size(); ++k)
      EXPECT_NEAR(std::exp((*fast)[i][k]), std::exp(slow[k]), kTolerance)
          << "\"" << text << "\" without \"" << terms[i] << "\", label " << k;
  }
}

TEST(LeaveOneOut, EqualsPredictingEachVariantWithCharacterNgrams) {
  const auto engine = trained(1, 3, 5);  // the service's default
  for (const auto& text : kTexts) expect_matches_predictions(*engine, text, terms_of(text));
}

TEST(LeaveOneOut, EqualsPredictingEachVariantWithWordBigrams) {
  const auto engine = trained(2, 0, 0);  // the support-queues settings: word pairs, no subwords
  for (const auto& text : kTexts) expect_matches_predictions(*engine, text, terms_of(text));
}

TEST(LeaveOneOut, EqualsPredictingEachVariantWithLongerWordNgramsAndCharacterNgrams) {
  const auto engine = trained(4, 2, 4);
  for (const auto& text : kTexts) expect_matches_predictions(*engine, text, terms_of(text));
}

TEST(LeaveOneOut, EqualsPredictingEachVariantWithWordsAlone) {
  const auto engine = trained(1, 0, 0);  // no hash buckets at all
  for (const auto& text : kTexts) expect_matches_predictions(*engine, text, terms_of(text));
}

TEST(LeaveOneOut, ATermNotInTheTextChangesNothing) {
  const auto engine = trained(2, 3, 5);
  expect_matches_predictions(*engine, "laptop password locked", {"vpn", "", "</s>", "lapto"});
}

TEST(LeaveOneOut, TextsWithOtherSeparatorsAreLeftToPredictions) {
  const auto engine = trained(1, 3, 5);
  const auto map = output_labels(*engine, kLabels);
  // fastText splits these where text_without() does not, and "</s>" ends its line early.
  for (const std::string text : {"laptop\tpassword", "laptop\npassword", "laptop </s> password"})
    EXPECT_FALSE(engine->log_probabilities_without(map, kLabels, text, terms_of(text))) << text;
}

}  // namespace
}  // namespace st::learned_model::detail
