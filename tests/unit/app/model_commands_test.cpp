// `smartticket model train` without --data learns from the labels the helpdesk recorded: in
// the PostgreSQL table the categorizer instances share when a database is configured, else in
// the embedded data file. Run through the command line as main() runs it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adapters/postgres/training_example_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "app/config.hpp"
#include "app/model_commands.hpp"
#include "learned_model/text_model.hpp"
#include "unit/adapters/postgres/pg_test_server.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::app {
namespace {

using ports::LabelSource;

constexpr std::size_t kColdStartRows = 4;

// Three tickets agents routed to `department`, which the cold-start set does not know: a
// model that has it among its labels learned from the store.
void record_labels(ports::TrainingExampleStore& store, const std::string& department) {
  store.record({{1, "Contract review", "Please review the supplier contract clauses"},
                {2, "NDA", "We need an NDA signed before the meeting"},
                {3, "Trademark", "Another company is using our trademark"}},
               {{1, department, LabelSource::human, 10},
                {2, department, LabelSource::human, 11},
                {3, department, LabelSource::human, 12}});
}

class ModelTrain : public ::testing::Test {
 protected:
  ModelTrain() {
    // A small cold-start set keeps the training well under a second.
    std::ofstream(dir_.file("cold.csv")) << "title,description,department\n"
                                         << "VPN,The VPN drops every few minutes,IT Support\n"
                                         << "Laptop,My laptop does not start,IT Support\n"
                                         << "Payslip,My payslip is missing,HR\n"
                                         << "Leave,How many days of leave are left,HR\n";
    config_.data_dir = dir_.path().string();
    config_.model_cold_start_file = dir_.file("cold.csv");
  }

  // `smartticket model train --output <model>`: the exit code; what it printed on stderr
  // in `err_`.
  int train() {
    CLI::App app;
    const ModelCommands commands(app, [](CLI::App*) {});
    app.parse("model train --output " + model_file(), /*program_name_included=*/false);
    ::testing::internal::CaptureStderr();
    const std::optional<int> rc = commands.run(config_);
    err_ = ::testing::internal::GetCapturedStderr();
    return rc.value_or(-1);
  }

  std::string model_file() const { return dir_.file("m.model"); }
  learned_model::ModelInfo trained() const {
    return learned_model::TextModel::load(model_file())->info();
  }
  static bool knows(const learned_model::ModelInfo& info, const std::string& label) {
    return std::find(info.labels.begin(), info.labels.end(), label) != info.labels.end();
  }

  testing_support::TempDir dir_;
  Config config_;
  std::string err_;
};

// Needs the shared test server (suites named Pg* get it from the ctest fixture).
class PgModelTrain : public ModelTrain {
 protected:
  PgModelTrain() {
    config_.database_url = schema_.conninfo();
    config_.database_configured = true;
  }
  testing_support::PgTestSchema schema_;
};

TEST_F(PgModelTrain, TrainsFromTheSharedTableWhenADatabaseIsConfigured) {
  {
    const auto db = schema_.open();
    adapters::postgres::PgTrainingExampleStore store(*db);
    record_labels(store, "Legal");
  }
  // Labels in the data dir's embedded file must not be what it reads.
  {
    adapters::sqlite::Database db(dir_.file("smartticket.db"));
    adapters::sqlite::SqliteTrainingExampleStore store(db);
    record_labels(store, "Security");
  }
  ASSERT_EQ(train(), 0) << err_;
  const auto info = trained();
  EXPECT_EQ(info.examples, kColdStartRows + 3);
  EXPECT_TRUE(knows(info, "Legal"));
  EXPECT_FALSE(knows(info, "Security"));
  EXPECT_NE(err_.find("training examples: PostgreSQL"), std::string::npos) << err_;
}

TEST_F(PgModelTrain, AnEmptyDatabaseLeavesTheColdStartSet) {
  // No categorizer has run: the command creates the (empty) table and trains on cold start.
  ASSERT_EQ(train(), 0) << err_;
  EXPECT_EQ(trained().examples, kColdStartRows);
}

TEST_F(ModelTrain, TrainsFromTheEmbeddedDataFileWithoutADatabase) {
  {
    adapters::sqlite::Database db(dir_.file("smartticket.db"));
    adapters::sqlite::SqliteTrainingExampleStore store(db);
    record_labels(store, "Legal");
  }
  ASSERT_EQ(train(), 0) << err_;
  const auto info = trained();
  EXPECT_EQ(info.examples, kColdStartRows + 3);
  EXPECT_TRUE(knows(info, "Legal"));
  EXPECT_NE(err_.find("training examples: embedded SQLite " + dir_.file("smartticket.db")),
            std::string::npos)
      << err_;
}

TEST_F(ModelTrain, WithoutADataFileTheColdStartSetAlone) {
  ASSERT_EQ(train(), 0) << err_;
  EXPECT_EQ(trained().examples, kColdStartRows);
  EXPECT_NE(err_.find("training examples: none"), std::string::npos) << err_;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("smartticket.db")));
}

TEST_F(ModelTrain, AnUnreachableDatabaseIsAnErrorNotAFallback) {
  {
    adapters::sqlite::Database db(dir_.file("smartticket.db"));
    adapters::sqlite::SqliteTrainingExampleStore store(db);
    record_labels(store, "Legal");
  }
  // Port 1 on loopback: refused at once. The password must not appear in the message.
  config_.database_url = "postgresql://app:s3cret@127.0.0.1:1/smartticket";
  config_.database_configured = true;
  EXPECT_EQ(train(), 1);
  EXPECT_NE(err_.find("cannot read the training examples in PostgreSQL"), std::string::npos)
      << err_;
  EXPECT_EQ(err_.find("s3cret"), std::string::npos) << err_;
  EXPECT_FALSE(std::filesystem::exists(model_file()));
}

}  // namespace
}  // namespace st::app
