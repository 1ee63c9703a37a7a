#include "adapters/sql/daily_counts.hpp"

#include <gtest/gtest.h>

namespace st::adapters::sql {
namespace {

constexpr domain::Millis kDay = domain::kMillisPerDay;

TEST(DayNumber, FloorsAlsoBefore1970) {
  EXPECT_EQ(day_number(0), 0);
  EXPECT_EQ(day_number(kDay - 1), 0);
  EXPECT_EQ(day_number(kDay), 1);
  EXPECT_EQ(day_number(-1), -1);
  EXPECT_EQ(day_number(-kDay), -1);
  EXPECT_EQ(day_number(-kDay - 1), -2);
}

TEST(FillDays, ListsEveryDayOfTheRangeWithZeroForTheMissingOnes) {
  const auto first = day_number(1'700'000'000'000);
  const auto days = fill_days(first, first + 3, {{first - 1, 9}, {first + 1, 2}, {first + 3, 5}});
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0].count, 0);
  EXPECT_EQ(days[1].count, 2);
  EXPECT_EQ(days[2].count, 0);
  EXPECT_EQ(days[3].count, 5);
  EXPECT_EQ(days[0].date, domain::format_date(first * kDay));
  EXPECT_EQ(days[3].date, domain::format_date((first + 3) * kDay));
}

TEST(DailyCounts, AsksForWholeDaysAndListsEachDayOfTheRange) {
  const domain::Millis from = 1'700'000'000'000;  // mid-day
  const auto first = day_number(from);
  domain::Millis asked_begin = 0, asked_end = 0;
  const auto days = daily_counts(from, from + 2 * kDay, [&](domain::Millis b, domain::Millis e) {
    asked_begin = b;
    asked_end = e;
    return DayCounts{{first + 1, 4}};
  });
  EXPECT_EQ(asked_begin, first * kDay);
  EXPECT_EQ(asked_end, (first + 3) * kDay);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].count, 0);
  EXPECT_EQ(days[1].count, 4);
  EXPECT_EQ(days[2].count, 0);
}

TEST(DailyCounts, AnEmptyRangeAsksNothing) {
  bool asked = false;
  const auto days = daily_counts(2 * kDay, kDay, [&](domain::Millis, domain::Millis) {
    asked = true;
    return DayCounts{};
  });
  EXPECT_TRUE(days.empty());
  EXPECT_FALSE(asked);
}

}  // namespace
}  // namespace st::adapters::sql
