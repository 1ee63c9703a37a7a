#include <gtest/gtest.h>

#include <fstream>

#include "learned_model/labeled_data.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::learned_model {
namespace {

using testing_support::TempDir;

std::string write(const TempDir& dir, const char* name, const std::string& content) {
  const auto path = dir.file(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(LabeledData, CsvWithTitleAndDescriptionAndQuotedFields) {
  TempDir dir;
  const auto path = write(dir, "t.csv",
                          "\xEF\xBB\xBFtitle,description,department\n"
                          "VPN,\"drops, again\nand again\",IT Support\n"
                          "Leave,\"How many \"\"days\"\"?\",HR\n");
  const auto rows = read_records(path, {.need_label = true});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].title, "VPN");
  EXPECT_EQ(rows[0].description, "drops, again\nand again");
  EXPECT_EQ(rows[0].label, "IT Support");
  EXPECT_EQ(rows[1].description, "How many \"days\"?");
}

TEST(LabeledData, NamedColumnsAndJsonLines) {
  TempDir dir;
  const auto path = write(dir, "t.jsonl",
                          "{\"body\": \"printer jam\", \"queue\": \"IT\", \"id\": 1}\n"
                          "\n"
                          "{\"body\": \"invoice\", \"queue\": \"Finance\", \"id\": 2}\n");
  const auto rows = read_records(path, {.text = {"body"}, .label = "queue", .need_label = true});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].title, "invoice");
  EXPECT_EQ(rows[1].label, "Finance");
  // Several text columns: the first is the title, the rest the description.
  const auto both = read_records(path, {.text = {"body", "id"}});
  EXPECT_EQ(both[0].title, "printer jam");
  EXPECT_EQ(both[0].description, "1");
  EXPECT_EQ(both[0].label, "");
}

TEST(LabeledData, ClearErrorsForMissingColumnsAndBadRows) {
  TempDir dir;
  const auto csv = write(dir, "t.csv", "text,department\nok,HR\nshort\n");
  try {
    read_records(csv, {.need_label = true});
    FAIL() << "a row with too few fields was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_records(csv, {.text = {"nope"}}), DataError);
  EXPECT_THROW(read_records(write(dir, "n.csv", "text\nx\n"), {.need_label = true}), DataError);
  EXPECT_THROW(read_records(write(dir, "b.jsonl", "[1,2]\n"), {}), DataError);
  EXPECT_THROW(read_records(dir.file("missing.csv"), {}), DataError);
}

TEST(LabeledData, HoldoutSplitIsFixedBySeedAndDisjoint) {
  std::vector<Record> rows;
  for (int i = 0; i < 100; ++i) rows.push_back({std::to_string(i), "", "L"});
  const auto a = holdout_split(rows, 0.2, 42);
  const auto b = holdout_split(rows, 0.2, 42);
  const auto c = holdout_split(rows, 0.2, 43);
  ASSERT_EQ(a.test.size(), 20u);
  ASSERT_EQ(a.train.size(), 80u);
  std::vector<std::string> at, bt, ct;
  for (const auto& r : a.test) at.push_back(r.title);
  for (const auto& r : b.test) bt.push_back(r.title);
  for (const auto& r : c.test) ct.push_back(r.title);
  EXPECT_EQ(at, bt);
  EXPECT_NE(at, ct);
  for (const auto& r : a.train)
    EXPECT_EQ(std::find(at.begin(), at.end(), r.title), at.end()) << r.title;
}

}  // namespace
}  // namespace st::learned_model
