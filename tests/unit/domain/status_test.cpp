#include <gtest/gtest.h>

#include "domain/status.hpp"

namespace st::domain {
namespace {

TEST(Status, RoundTripsEveryValue) {
  for (Status s : kAllStatuses) EXPECT_EQ(parse_status(to_string(s)), s);
  EXPECT_EQ(parse_status("closed"), std::nullopt);
  EXPECT_EQ(parse_status("Pending"), std::nullopt);  // statuses are case-sensitive codes
}

TEST(CategorizedBy, RoundTripsEveryValue) {
  for (CategorizedBy c : kAllCategorizers) EXPECT_EQ(parse_categorized_by(to_string(c)), c);
  EXPECT_EQ(parse_categorized_by("robot"), std::nullopt);
}

}  // namespace
}  // namespace st::domain
