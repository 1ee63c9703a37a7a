#include <gtest/gtest.h>

#include <sstream>

#include "util/csv.hpp"

namespace st::util {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto rows = parse_csv(
      "text,department\n"
      "\"Printer, 3rd floor\",IT Support\n"
      "\"She said \"\"hi\"\"\nand left\",HR\r\n"
      "plain,Finance\n");
  EXPECT_EQ(rows, (Rows{{"text", "department"},
                        {"Printer, 3rd floor", "IT Support"},
                        {"She said \"hi\"\nand left", "HR"},
                        {"plain", "Finance"}}));
}

TEST(CsvReader, EmptyFieldsBlankLinesAndAMissingFinalNewline) {
  EXPECT_EQ(parse_csv("a,,c\n\n\n,b,\nlast,row,x"),
            (Rows{{"a", "", "c"}, {"", "b", ""}, {"last", "row", "x"}}));
  EXPECT_EQ(parse_csv("\"\",x\n"), (Rows{{"", "x"}}));
  EXPECT_TRUE(parse_csv("").empty());
}

TEST(CsvReader, ReportsTheLineWhereARowStarts) {
  std::istringstream in("h\n\"two\nlines\"\nthree\n");
  CsvReader reader(in);
  std::vector<std::string> row;
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(reader.row_line(), 1u);
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(reader.row_line(), 2u);
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(reader.row_line(), 4u);
  EXPECT_FALSE(reader.next(row));
}

TEST(CsvReader, MalformedQuotingIsAnError) {
  EXPECT_THROW(parse_csv("a,\"never closed\n"), CsvError);
  EXPECT_THROW(parse_csv("\"closed\"junk,b\n"), CsvError);
}

TEST(CsvField, QuotesOnlyWhenNeededAndRoundTrips) {
  EXPECT_EQ(csv_field("IT Support"), "IT Support");
  EXPECT_EQ(csv_field("Customer Service, Returns"), "\"Customer Service, Returns\"");
  EXPECT_EQ(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
  const std::string tricky = "a,\"b\"\nc";
  EXPECT_EQ(parse_csv(csv_field(tricky) + "\n"), (Rows{{tricky}}));
}

}  // namespace
}  // namespace st::util
