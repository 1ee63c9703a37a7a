#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "learned_model/model_categorizer.hpp"
#include "learned_model/model_text.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::learned_model {
namespace {

using ports::CategorizationRequest;
using ports::LabeledText;
using testing_support::TempDir;

// Small but unambiguous: each department has its own vocabulary.
std::vector<LabeledText> examples() {
  std::vector<LabeledText> out;
  const std::pair<const char*, std::vector<const char*>> kData[] = {
      {"IT Support",
       {"laptop does not boot", "password reset needed", "vpn keeps dropping",
        "printer driver missing", "outlook crashes on start", "monitor shows no signal",
        "email account locked", "wifi is slow on my laptop"}},
      {"Facilities",
       {"heating is broken in the office", "toilet is leaking", "light in the corridor flickers",
        "need a parking space", "the elevator is stuck", "window does not close",
        "the kitchen sink is blocked", "office chair is broken"}},
      {"Finance",
       {"invoice not paid yet", "expense report reimbursement", "purchase order for monitors",
        "budget for the team event", "corporate card declined", "supplier payment overdue",
        "refund of my travel costs", "cost center for the invoice"}},
  };
  for (const auto& [department, texts] : kData)
    for (const char* t : texts) out.push_back({t, "", department, 1});
  return out;
}

ModelCategorizerOptions options(std::string file = "", int min_confidence = 0) {
  ModelCategorizerOptions o;
  o.normalize = [](std::string_view title, std::string_view description) {
    return model_text(title, description);
  };
  o.features = "stems";
  o.model_file = std::move(file);
  o.min_confidence = min_confidence;
  o.training.epoch = 50;
  o.training.calibrate = false;
  return o;
}

const std::vector<std::string> kDepartments{"IT Support", "Facilities", "Finance"};

TEST(ModelCategorizer, WithoutAModelItLeavesTheDecisionToTheNextStrategy) {
  ModelCategorizer model(options());
  EXPECT_FALSE(model.ready());
  EXPECT_FALSE(model.categorize({"vpn", "", kDepartments}));
  EXPECT_FALSE(model.load());  // no file configured
}

TEST(ModelCategorizer, LearnsDepartmentsFromExamples) {
  ModelCategorizer model(options());
  const auto version = model.retrain(examples(), 7);
  EXPECT_TRUE(version.starts_with("fasttext-")) << version;
  EXPECT_EQ(model.version(), version);
  EXPECT_EQ(model.label_watermark(), 7);
  const auto it = model.categorize({"My laptop password", "is locked", kDepartments});
  ASSERT_TRUE(it);
  EXPECT_EQ(it->department, "IT Support");
  EXPECT_EQ(it->categorized_by, domain::CategorizedBy::model);
  EXPECT_EQ(it->model_version, version);
  EXPECT_GE(it->confidence, 0);
  EXPECT_LE(it->confidence, 100);
  EXPECT_EQ(model.categorize({"The toilet", "leaks again", kDepartments})->department,
            "Facilities");
  EXPECT_EQ(model.categorize({"Invoice", "from our supplier is overdue", kDepartments})->department,
            "Finance");
}

TEST(ModelCategorizer, ExplainsWithItsVersionTheRankedDepartmentsAndItsMostTellingTerms) {
  ModelCategorizer model(options());
  const auto version = model.retrain(examples(), 7);
  const auto it = model.categorize({"My laptop password", "is locked", kDepartments});
  ASSERT_TRUE(it && it->explanation);
  const auto& e = *it->explanation;
  EXPECT_EQ(e.decided_by, domain::CategorizedBy::model);
  EXPECT_EQ(e.version, version);
  ASSERT_EQ(e.candidates.size(), 3u);  // every allowed department, most probable first
  EXPECT_EQ(e.candidates[0], (domain::Candidate{"IT Support", it->confidence}));
  EXPECT_GE(e.candidates[1].confidence, e.candidates[2].confidence);
  // The words of IT Support's examples tell; "my" and "is" do not.
  ASSERT_FALSE(e.evidence.empty());
  EXPECT_LE(e.evidence.size(), ModelCategorizer::kMaxTellingTerms);
  const bool telling = e.evidence[0].starts_with("term \"laptop\"") ||
                       e.evidence[0].starts_with("term \"password\"") ||
                       e.evidence[0].starts_with("term \"lock");
  EXPECT_TRUE(telling) << testing::PrintToString(e.evidence);
  for (const auto& line : e.evidence) {
    EXPECT_EQ(line.find("\"my\""), std::string::npos) << line;
    EXPECT_NE(line.find("IT Support"), std::string::npos) << line;
  }
}

TEST(ModelCategorizer, ATextOfOneTermHasNoTellingTerms) {
  ModelCategorizer model(options());
  model.retrain(examples(), 1);
  const auto model_now = model.current();
  EXPECT_TRUE(ModelCategorizer::telling_terms(*model_now, "laptop", "IT Support").empty());
  EXPECT_TRUE(ModelCategorizer::telling_terms(*model_now, "laptop vpn", "Astrology").empty());
}

// Leaving each term out of fastText's hidden vector in one pass names the same terms with
// the same figures as predicting each variant, for fastText alone and for a stacked model.
TEST(ModelCategorizer, TellingTermsAreTheSameWhetherTermsAreLeftOutInOnePassOrOneByOne) {
  auto many = examples();
  for (int copy = 0; copy < 3; ++copy)  // enough examples for a stacked model
    for (std::size_t i = 0; i < 24; ++i) many.push_back(many[i]);
  ModelCategorizer alone(options());
  alone.retrain(examples(), 0);
  ModelCategorizer stacked(options());
  stacked.retrain(many, 0);
  ASSERT_FALSE(alone.current()->stacked());
  ASSERT_TRUE(stacked.current()->stacked());
  const std::pair<const char*, const char*> kTickets[] = {
      {"My laptop password", "is locked, my laptop does not boot and the vpn keeps dropping"},
      {"The toilet", "leaks again, the toilet on the second floor"},
      {"Invoice", "from our supplier is overdue, please pay the invoice"},
      {"Printer printer", "printer"},
      {"Heizung kaputt", "die Heizung im Büro ist kaputt"},
      {"Xyzzy", "frobnicate the quux"},
      {"vpn", ""},
  };
  for (const auto* categorizer : {&alone, &stacked}) {
    std::size_t named = 0;
    const auto model = categorizer->current();
    for (const auto& [title, description] : kTickets) {
      const auto text = model_text(title, description);
      for (const auto& department : kDepartments) {
        const auto one_pass = ModelCategorizer::telling_terms(*model, text, department);
        const auto one_by_one = ModelCategorizer::telling_terms(
            *model, text, department, nullptr, TextModel::LeaveOneOut::predict_each);
        ASSERT_EQ(one_pass.size(), one_by_one.size()) << text << " / " << department;
        named += one_pass.size();
        for (std::size_t i = 0; i < one_pass.size(); ++i) {
          EXPECT_EQ(one_pass[i].text, one_by_one[i].text) << text << " / " << department;
          EXPECT_NEAR(one_pass[i].with, one_by_one[i].with, 1e-6) << text;
          EXPECT_NEAR(one_pass[i].without, one_by_one[i].without, 1e-6) << text;
        }
      }
    }
    EXPECT_GE(named, 5u) << model->parts();  // terms were compared, not empty lists
  }
}

TEST(ModelCategorizer, AnswersOnlyWithAllowedDepartmentsAsTheRequestSpellsThem) {
  ModelCategorizer model(options());
  model.retrain(examples(), 0);
  const auto all = model.categorize({"vpn password laptop", "", kDepartments});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->department, "IT Support");
  // IT Support is not active: the best of the others, with the probability the model gives
  // it (not inflated to look sure), so that a minimum confidence lets the keywords decide.
  const auto c = model.categorize({"vpn password laptop", "", {"finance", "Facilities"}});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->department == "finance" || c->department == "Facilities") << c->department;
  EXPECT_LT(c->confidence, all->confidence);
  EXPECT_LE(c->confidence, 100 - all->confidence);
  // None of the model's departments is allowed: it cannot decide.
  EXPECT_FALSE(model.categorize({"vpn password laptop", "", {"Legal"}}));
}

TEST(ModelCategorizer, BelowTheMinimumConfidenceItDoesNotDecide) {
  ModelCategorizer unsure(options("", 101));  // nothing reaches 101
  unsure.retrain(examples(), 0);
  EXPECT_FALSE(unsure.categorize({"printer driver", "", kDepartments}));
  ModelCategorizer sure(options("", 0));
  sure.retrain(examples(), 0);
  EXPECT_TRUE(sure.categorize({"printer driver", "", kDepartments}));
}

TEST(ModelCategorizer, CannotTrainWithoutTwoDepartments) {
  ModelCategorizer model(options());
  EXPECT_THROW(model.retrain({{"a", "", "HR", 1}, {"b", "", "hr", 1}}, 0), ModelError);
  EXPECT_THROW(model.retrain({}, 0), ModelError);
  EXPECT_FALSE(model.ready());
}

TEST(ModelCategorizer, RetrainingSavesAFileTheNextProcessLoads) {
  TempDir dir;
  const auto file = dir.file("categorizer.model");
  std::string version;
  {
    ModelCategorizer model(options(file));
    version = model.retrain(examples(), 12);
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  ModelCategorizer reloaded(options(file));
  ASSERT_TRUE(reloaded.load());
  EXPECT_EQ(reloaded.version(), version);
  EXPECT_EQ(reloaded.label_watermark(), 12);
  EXPECT_EQ(reloaded.categorize({"heating broken", "", kDepartments})->department, "Facilities");
}

TEST(ModelCategorizer, RefusesDamagedFilesAndFilesOfOtherFeatures) {
  TempDir dir;
  const auto file = dir.file("categorizer.model");
  ModelCategorizer(options(file)).retrain(examples(), 0);
  auto words = options(file);
  words.features = "words";
  EXPECT_THROW(ModelCategorizer(words).load(), ModelError);

  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size - 10);  // truncated
  EXPECT_THROW(ModelCategorizer(options(file)).load(), ModelError);
  std::ofstream(file, std::ios::trunc) << "not a model\n";
  EXPECT_THROW(ModelCategorizer(options(file)).load(), ModelError);
}

TEST(ModelCategorizer, CalibratedConfidenceIsAProbability) {
  auto o = options();
  o.training.calibrate = true;
  auto many = examples();
  for (int copy = 0; copy < 3; ++copy)  // calibration needs enough examples for its folds
    for (std::size_t i = 0; i < 24; ++i) many.push_back(many[i]);
  ModelCategorizer model(o);
  model.retrain(many, 0);
  const double t = model.current()->info().temperature;
  EXPECT_GT(t, 0.0);
  const auto p = model.current()->probabilities(model_text("vpn"));
  double sum = 0;
  for (double v : p) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-6);
}

TEST(ModelCategorizer, PredictionsContinueWhileModelsAreSwapped) {
  ModelCategorizer model(options());
  model.retrain(examples(), 0);
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      for (int i = 0; i < 100000 && !stop; ++i)
        if (model.categorize({"invoice overdue", "", kDepartments})) ++answered;
    });
  for (int i = 0; i < 3; ++i) model.retrain(examples(), i + 1);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(model.label_watermark(), 3);
}

}  // namespace
}  // namespace st::learned_model
