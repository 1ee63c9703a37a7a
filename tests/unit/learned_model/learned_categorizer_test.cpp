// A server's learned categorizer at start: the saved model when it can be used, else one
// trained at once; never an exception, since the keywords can decide without a model.
#include "learned_model/learned_categorizer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "learned_model/model_text.hpp"
#include "learned_model/text_model.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::learned_model {
namespace {

using testing_support::TempDir;

std::vector<ports::LabeledText> cold_start() {
  std::vector<ports::LabeledText> out;
  for (const char* t : {"laptop does not boot", "password reset", "vpn drops", "printer jam"})
    out.push_back({t, "", "IT Support", 1});
  for (const char* t : {"invoice unpaid", "expense reimbursement", "purchase order", "budget"})
    out.push_back({t, "", "Finance", 1});
  return out;
}

class LearnedCategorizerTest : public ::testing::Test {
 protected:
  ModelCategorizerOptions options() const {
    ModelCategorizerOptions o;
    o.normalize = [](std::string_view a, std::string_view b) { return model_text(a, b); };
    o.features = "stems";
    o.model_file = model_file;
    o.training.epoch = 10;
    o.training.calibrate = false;
    return o;
  }
  std::unique_ptr<LearnedCategorizer> start(std::vector<ports::LabeledText> examples) {
    return std::make_unique<LearnedCategorizer>(options(), store, std::move(examples),
                                                TrainingPolicy{});
  }

  TempDir dir;
  std::string model_file = dir.file("categorizer.model");
  adapters::sqlite::Database db{dir.file("t.db")};
  adapters::sqlite::SqliteTrainingExampleStore store{db};
};

TEST_F(LearnedCategorizerTest, FirstStartTrainsOneAndSavesItForTheNext) {
  const auto first = start(cold_start());
  ASSERT_TRUE(first->model.ready());
  ASSERT_TRUE(std::filesystem::exists(model_file));
  const auto version = first->model.version();

  const auto next = start(cold_start());
  EXPECT_EQ(next->model.version(), version);
}

TEST_F(LearnedCategorizerTest, AnUnusableFileIsReplacedByANewModel) {
  std::ofstream(model_file) << "not a model";
  const auto learned = start(cold_start());
  ASSERT_TRUE(learned->model.ready());
  EXPECT_NO_THROW(TextModel::load(model_file));
}

TEST_F(LearnedCategorizerTest, NothingToLearnFromLeavesNoModelAndThrowsNothing) {
  const auto learned = start({});
  EXPECT_FALSE(learned->model.ready());
}

}  // namespace
}  // namespace st::learned_model
