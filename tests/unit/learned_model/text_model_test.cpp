// The stacked learned model (fastText + neighbour memory + n-gram SVM, weighed by a combiner
// trained on held-out folds): when it is built, what it remembers, and its file.
#include "learned_model/text_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <numeric>

#include "learned_model/model_text.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::learned_model {
namespace {

using testing_support::TempDir;

std::string text(std::string_view raw) {
  return model_text(raw);
}

// Three departments, each phrase written two or three ways (tickets are often rewordings of
// earlier ones), plus one odd ticket, seen once, that an agent filed under Facilities although its
// words are those of the other two departments.
std::vector<Example> examples() {
  const std::vector<std::vector<const char*>> phrases{
      {"laptop does not boot", "password reset needed", "vpn keeps dropping",
       "printer driver missing", "outlook crashes on start", "monitor shows no signal",
       "email account locked", "wifi is slow on my laptop"},
      {"heating is broken in the office", "toilet is leaking", "light in the corridor flickers",
       "need a parking space", "the elevator is stuck", "window does not close",
       "the kitchen sink is blocked", "office chair is broken"},
      {"invoice not paid yet", "expense report reimbursement", "purchase order for monitors",
       "budget for the team event", "corporate card declined", "supplier payment overdue",
       "refund of my travel costs", "cost center for the invoice"},
  };
  std::vector<Example> out;
  for (std::size_t label = 0; label < phrases.size(); ++label)
    for (std::size_t i = 0; i < phrases[label].size(); ++i)
      for (const char* form : {"%s", "%s again today", "urgent: %s"}) {
        if (i % 2 == 1 && form[0] == 'u') continue;  // not every ticket has three forms
        char buf[160];
        std::snprintf(buf, sizeof buf, form, phrases[label][i]);
        out.push_back({text(buf), label, 1});
      }
  out.push_back({text("vpn invoice printer budget refund laptop payment email"), 1, 1});
  return out;
}

ModelInfo info() {
  ModelInfo i;
  i.labels = {"IT Support", "Facilities", "Finance"};
  i.features = "stems";
  return i;
}

TrainingOptions options() {
  TrainingOptions o;
  o.epoch = 30;
  o.stack_folds = 3;  // enough to learn the weights, quick to train
  return o;
}

std::size_t best(const std::vector<double>& p) {
  return static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

TEST(StackedTextModel, WithEnoughExamplesTheModelIsStacked) {
  const auto stacked = TextModel::train(examples(), options(), info());
  EXPECT_EQ(stacked->parts(), "fasttext+svm+neighbours");

  auto alone_options = options();
  alone_options.stack_folds = 0;
  EXPECT_EQ(TextModel::train(examples(), alone_options, info())->parts(), "fasttext");

  auto no_svm = options();
  no_svm.svm_ngrams = 0;
  EXPECT_EQ(TextModel::train(examples(), no_svm, info())->parts(), "fasttext+neighbours");

  auto few = examples();
  few.resize(40);  // below 50: folds would be too thin
  few.push_back({text("toilet leaks"), 1, 1});
  EXPECT_EQ(TextModel::train(few, options(), info())->parts(), "fasttext");
}

TEST(StackedTextModel, PredictsDepartmentsWithProbabilitiesThatSumToOne) {
  const auto model = TextModel::train(examples(), options(), info());
  for (const auto& [raw, label] :
       std::vector<std::pair<const char*, std::size_t>>{{"my laptop password is locked", 0},
                                                        {"the toilet on the second floor leaks", 1},
                                                        {"supplier invoice payment overdue", 2}}) {
    const auto p = model->probabilities(text(raw));
    ASSERT_EQ(p.size(), 3u);
    EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-9) << raw;
    EXPECT_EQ(best(p), label) << raw << " " << p[0] << " " << p[1] << " " << p[2];
  }
}

TEST(StackedTextModel, ARewordingOfARememberedTicketGoesWhereTheAgentSentIt) {
  const auto model = TextModel::train(examples(), options(), info());
  const auto p =
      model->probabilities(text("vpn invoice printer budget refund laptop payment email!!"));
  EXPECT_EQ(best(p), 1u) << p[0] << " " << p[1] << " " << p[2];
}

// fastText's answers without each term, from one pass over the text, equal predicting each
// variant (softened by the model's temperature), and so do the whole model's, stacked or not.
TEST(StackedTextModel, LeavingTermsOutInOnePassEqualsPredictingEachVariant) {
  auto calibrated = options();
  calibrated.stack_folds = 0;
  calibrated.calibrate = true;
  auto many = examples();
  for (int copy = 0; copy < 2; ++copy) many.insert(many.end(), many.begin(), many.begin() + 40);
  const auto alone = TextModel::train(many, calibrated, info());
  ASSERT_NE(alone->info().temperature, 1.0);  // the temperature is part of what must agree
  const auto stacked = TextModel::train(examples(), options(), info());
  for (const auto& model : {alone, stacked})
    for (const char* raw : {"my laptop password is locked, the laptop", "heating broken", "refund",
                            "zzz qqq invoice", "Rechnung für das Büro"}) {
      const auto t = text(raw);
      std::vector<std::string_view> terms;
      for (std::size_t at = 0; at < t.size();) {
        const auto end = std::min(t.find(' ', at), t.size());
        terms.push_back(std::string_view(t).substr(at, end - at));
        at = end + 1;
      }
      terms.push_back("absent");
      const auto one_pass = model->fasttext_probabilities_without(t, terms);
      const auto each =
          model->fasttext_probabilities_without(t, terms, TextModel::LeaveOneOut::predict_each);
      const auto whole_one_pass = model->probabilities_without(t, terms);
      const auto whole_each =
          model->probabilities_without(t, terms, TextModel::LeaveOneOut::predict_each);
      ASSERT_EQ(one_pass.size(), terms.size());
      ASSERT_EQ(each.size(), terms.size());
      ASSERT_EQ(whole_one_pass.size(), terms.size());
      std::string without;
      for (std::size_t i = 0; i < terms.size(); ++i) {
        text_without(t, terms[i], without);
        EXPECT_EQ(each[i], model->fasttext_probabilities(without));
        EXPECT_EQ(whole_each[i], model->probabilities(without));
        ASSERT_EQ(one_pass[i].size(), 3u);
        ASSERT_EQ(whole_one_pass[i].size(), 3u);
        for (std::size_t k = 0; k < 3; ++k) {
          EXPECT_NEAR(one_pass[i][k], each[i][k], 1e-6) << raw << " without " << terms[i];
          EXPECT_NEAR(whole_one_pass[i][k], whole_each[i][k], 1e-6)
              << raw << " without " << terms[i];
        }
      }
    }
}

TEST(StackedTextModel, SavedAndLoadedItPredictsExactlyTheSame) {
  TempDir dir;
  const auto model = TextModel::train(examples(), options(), info());
  model->save(dir.file("m.model"));
  const auto loaded = TextModel::load(dir.file("m.model"));
  EXPECT_EQ(loaded->parts(), model->parts());
  EXPECT_EQ(loaded->info().version, model->info().version);
  EXPECT_EQ(loaded->info().options.stack_folds, 3);
  EXPECT_EQ(loaded->info().options.svm_ngrams, model->info().options.svm_ngrams);
  for (const char* raw : {"printer driver missing again", "heating broken", "refund", "", "zzz"})
    EXPECT_EQ(loaded->probabilities(text(raw)), model->probabilities(text(raw))) << raw;
}

TEST(StackedTextModel, ADamagedFileIsRefused) {
  TempDir dir;
  TextModel::train(examples(), options(), info())->save(dir.file("m.model"));
  std::string bytes;
  {
    std::ifstream in(dir.file("m.model"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (const std::size_t cut : {std::size_t{1}, std::size_t{4}, bytes.size() / 3}) {
    std::ofstream(dir.file("cut.model"), std::ios::binary | std::ios::trunc)
        << bytes.substr(0, bytes.size() - cut);
    EXPECT_THROW(TextModel::load(dir.file("cut.model")), ModelError) << cut;
  }
  auto flipped = bytes;
  flipped[flipped.size() - 2] ^= 0x5a;  // inside the SVM's weights
  std::ofstream(dir.file("flip.model"), std::ios::binary | std::ios::trunc) << flipped;
  EXPECT_THROW(TextModel::load(dir.file("flip.model")), ModelError);
}

TEST(StackedTextModel, AVersionOneFileOfFastTextAloneStillLoads) {
  TempDir dir;
  auto o = options();
  o.stack_folds = 0;
  const auto model = TextModel::train(examples(), o, info());
  model->save(dir.file("m.model"));
  std::string bytes;
  {
    std::ifstream in(dir.file("m.model"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto line_end = bytes.find('\n');
  ASSERT_EQ(bytes.substr(0, line_end), "smartticket-fasttext 2");
  std::ofstream(dir.file("v1.model"), std::ios::binary | std::ios::trunc)
      << "smartticket-fasttext 1" << bytes.substr(line_end);
  const auto loaded = TextModel::load(dir.file("v1.model"));
  EXPECT_EQ(loaded->parts(), "fasttext");
  EXPECT_EQ(loaded->probabilities(text("heating broken")),
            model->probabilities(text("heating broken")));
}

}  // namespace
}  // namespace st::learned_model
