#include <gtest/gtest.h>

#include <memory>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

using ports::LabelSource;
using ports::TicketLabel;
using ports::TicketText;
using testing_support::TempDir;

class TrainingExampleStoreTest : public ::testing::Test {
 protected:
  void reopen() {
    store.reset();
    db.reset();
    db = std::make_unique<Database>(dir.file("examples.db"));
    store = std::make_unique<SqliteTrainingExampleStore>(*db);
  }
  std::string department_of(domain::TicketId id) {
    for (const auto& e : store->examples(100))
      if (e.ticket_id == id) return e.department;
    return "";
  }

  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("examples.db"));
  std::unique_ptr<SqliteTrainingExampleStore> store =
      std::make_unique<SqliteTrainingExampleStore>(*db);
};

TEST_F(TrainingExampleStoreTest, AnExampleNeedsBothTextAndLabel) {
  EXPECT_EQ(store->record({{1, "VPN down", "since this morning"}}, {}), 0u);
  EXPECT_EQ(store->record({}, {{2, "HR", LabelSource::human, 10}}), 1u);
  EXPECT_TRUE(store->examples(10).empty());
  // The label of ticket 2 came first; its text completes it.
  store->record({{2, "Leave", "How many days do I have left?"}}, {});
  const auto ex = store->examples(10);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].ticket_id, 2);
  EXPECT_EQ(ex[0].title, "Leave");
  EXPECT_EQ(ex[0].description, "How many days do I have left?");
  EXPECT_EQ(ex[0].department, "HR");
  EXPECT_EQ(ex[0].source, LabelSource::human);
}

TEST_F(TrainingExampleStoreTest, AHumanLabelWinsOverAMachineLabel) {
  store->record({{1, "t", "d"}}, {{1, "IT Support", LabelSource::machine, 10}});
  EXPECT_EQ(store->record({}, {{1, "Finance", LabelSource::human, 20}}), 1u);
  // A later machine decision (a redelivery, a re-categorization) does not undo the agent.
  EXPECT_EQ(store->record({}, {{1, "IT Support", LabelSource::machine, 30}}), 0u);
  EXPECT_EQ(department_of(1), "Finance");
  // The agent's later reroute does replace their earlier one.
  EXPECT_EQ(store->record({}, {{1, "HR", LabelSource::human, 40}}), 1u);
  EXPECT_EQ(department_of(1), "HR");
  // An older human label arriving late does not.
  EXPECT_EQ(store->record({}, {{1, "Facilities", LabelSource::human, 35}}), 0u);
  EXPECT_EQ(department_of(1), "HR");
}

TEST_F(TrainingExampleStoreTest, RepeatsChangeNothingAndTheWatermarkCountsChanges) {
  EXPECT_EQ(store->label_watermark(), 0);
  store->record({{1, "a", ""}, {2, "b", ""}},
                {{1, "HR", LabelSource::machine, 1}, {2, "Finance", LabelSource::machine, 1}});
  EXPECT_EQ(store->label_watermark(), 2);
  EXPECT_EQ(store->record({{1, "a", ""}}, {{1, "HR", LabelSource::machine, 1}}), 0u);
  EXPECT_EQ(store->label_watermark(), 2);
  store->record({}, {{1, "General", LabelSource::human, 2}});
  EXPECT_EQ(store->label_watermark(), 3);
  reopen();
  EXPECT_EQ(store->label_watermark(), 3);
  EXPECT_EQ(store->examples(10).size(), 2u);
}

TEST_F(TrainingExampleStoreTest, ExamplesAreNewestLabelFirstAndLimited) {
  for (int i = 1; i <= 5; ++i)
    store->record({{i, "t" + std::to_string(i), ""}}, {{i, "HR", LabelSource::machine, i}});
  store->record({}, {{2, "Finance", LabelSource::human, 9}});
  const auto ex = store->examples(3);
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].ticket_id, 2);
  EXPECT_EQ(ex[1].ticket_id, 5);
  EXPECT_EQ(ex[2].ticket_id, 4);
}

TEST_F(TrainingExampleStoreTest, TextIsStoredVerbatimWithQuotesAndNewlines) {
  const std::string nasty = "it's \"broken\"; DROP TABLE x; --\nline two";
  store->record({{1, nasty, nasty}}, {{1, "IT Support", LabelSource::human, 1}});
  const auto ex = store->examples(1);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].title, nasty);
  EXPECT_EQ(ex[0].description, nasty);
}

}  // namespace
}  // namespace st::adapters::sqlite
