// The command-line tools around the learned model, run as a user would: `model train` from a
// CSV, `model eval`, and `categorize` over CSV (quoted commas and line breaks) and JSON Lines.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class ModelCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    if (external_mode()) GTEST_SKIP() << "runs the binary itself";
    char tmpl[] = "/tmp/smartticket-cli-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream train(dir_ + "/train.csv");
    train << "subject,body,queue\n";
    for (int i = 0; i < 6; ++i) {
      train << "\"Printer, floor " << i << "\",\"The printer jams,\nagain and again\",IT\n"
            << "VPN,\"The VPN drops, laptop cannot connect\",IT\n"
            << "Invoice,\"Supplier invoice, unpaid since June\",Money\n"
            << "\"Expenses\",\"Reimburse my \"\"hotel\"\" costs please\",Money\n";
    }
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(ModelCommands, TrainEvalAndCategorizeFromFiles) {
  const std::string model = dir_ + "/m.model";
  const std::string columns = " --text-column subject --text-column body --label-column queue";
  const CommandResult train = run_binary("model train --data " + dir_ + "/train.csv" + columns +
                                         " --output " + model + " --data-dir " + dir_);
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_NE(train.output.find("24 examples, 2 departments"), std::string::npos) << train.output;

  const CommandResult eval =
      run_binary("model eval --model " + model + " --data " + dir_ + "/train.csv" + columns);
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  const auto eval_lines = lines(eval.output);
  ASSERT_GE(eval_lines.size(), 3u) << eval.output;
  EXPECT_EQ(eval_lines[0], "accuracy 1.000") << eval.output;
  EXPECT_TRUE(eval_lines[1].starts_with("macro_f1 ")) << eval.output;
  EXPECT_NE(eval.output.find("confusion matrix"), std::string::npos);

  std::ofstream(dir_ + "/new.csv") << "title,description\n"
                                   << "\"Printer, again\",\"It jams,\nevery morning\"\n"
                                   << "Money back,\"Please reimburse the hotel invoice\"\n";
  const CommandResult csv = run_binary("categorize --data " + dir_ + "/new.csv --model " + model);
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const auto csv_lines = lines(csv.output);
  ASSERT_EQ(csv_lines.size(), 3u) << csv.output;
  EXPECT_EQ(csv_lines[0], "department,confidence,source");
  EXPECT_TRUE(csv_lines[1].starts_with("IT,")) << csv.output;
  EXPECT_TRUE(csv_lines[2].starts_with("Money,")) << csv.output;

  std::ofstream(dir_ + "/new.jsonl") << R"({"title": "VPN", "description": "cannot connect"})"
                                     << "\n";
  const CommandResult jsonl =
      run_binary("categorize --data " + dir_ + "/new.jsonl --format jsonl --model " + model);
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.output;
  const json answer = json::parse(lines(jsonl.output).at(0), nullptr, false);
  EXPECT_EQ(answer.value("department", ""), "IT") << jsonl.output;
  EXPECT_TRUE(answer.contains("confidence") && answer["confidence"].is_number());
  EXPECT_TRUE(answer.value("source", "") == "model" || answer.value("source", "") == "keywords");
}

TEST_F(ModelCommands, BadInputIsAClearErrorNotACrash) {
  std::ofstream(dir_ + "/bad.csv") << "text,department\n\"never closed,HR\n";
  const CommandResult bad =
      run_binary("model train --data " + dir_ + "/bad.csv --output " + dir_ + "/x.model");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("unterminated quoted field"), std::string::npos) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.model"));

  const CommandResult missing =
      run_binary("model eval --model " + dir_ + "/none.model --data " + dir_ +
                 "/train.csv --text-column body --label-column queue");
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("cannot open model file"), std::string::npos) << missing.output;

  const CommandResult column = run_binary(
      "model train --data " + dir_ + "/train.csv --text-column nope --output " + dir_ + "/x.model");
  EXPECT_EQ(column.exit_code, 1) << column.output;
  EXPECT_NE(column.output.find("no column 'nope'"), std::string::npos) << column.output;
}

}  // namespace
}  // namespace st::e2e
