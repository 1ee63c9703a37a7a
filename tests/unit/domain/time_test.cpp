#include <gtest/gtest.h>

#include "domain/time.hpp"

namespace st::domain {
namespace {

TEST(Time, FormatsKnownInstants) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(1795636295000), "2026-11-25T19:51:35Z");
  EXPECT_EQ(format_iso8601(951782400000), "2000-02-29T00:00:00Z");   // leap day
  EXPECT_EQ(format_iso8601(2147483648000), "2038-01-19T03:14:08Z");  // past 32-bit time_t
  EXPECT_EQ(format_iso8601(253402300799000), "9999-12-31T23:59:59Z");
}

TEST(Time, FormatTruncatesMillisecondsTowardsThePast) {
  // The API shows whole seconds; a time never rounds up into the next second.
  EXPECT_EQ(format_iso8601(1795636295999), "2026-11-25T19:51:35Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(-1001), "1969-12-31T23:59:58Z");
}

TEST(Time, ParsesWhatItFormats) {
  for (Millis ms : {Millis{0}, Millis{1795636295000}, Millis{951782400000}, Millis{-1000},
                    Millis{2147483648000}, Millis{253402300799000}}) {
    const std::string text = format_iso8601(ms);
    EXPECT_EQ(parse_iso8601(text), ms) << text;
  }
}

TEST(Time, RoundTripDropsOnlyTheMilliseconds) {
  const Millis ms = 1795636295123;
  EXPECT_EQ(parse_iso8601(format_iso8601(ms)), ms - 123);
}

TEST(Time, RoundTripsEveryDayOfALeapYear) {
  const Millis start = *parse_iso8601("2024-01-01T12:34:56Z");
  for (int day = 0; day < 366; ++day) {
    const Millis ms = start + day * kMillisPerDay;
    const std::string text = format_iso8601(ms);
    ASSERT_EQ(parse_iso8601(text), ms) << text;
  }
  EXPECT_EQ(format_iso8601(start + 365 * kMillisPerDay), "2024-12-31T12:34:56Z");
}

TEST(Time, RejectsMalformedText) {
  for (const char* bad :
       {"", "now", "2026-11-25", "2026-11-25T19:51:35", "2026-11-25 19:51:35Z",
        "2026-11-25T19:51:35+01:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T19:60:00Z",
        "2026-11-25T19:51:61Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
        // Signs and spaces where digits belong; anything after the Z.
        "2026-11-25T-1:51:35Z", "2026-11-25T+1:51:35Z", "2026-11-25T 1:51:35Z",
        "2026-11--5T01:51:35Z", "-026-11-25T01:51:35Z", "2026-11-25T01:51:35Zjunk",
        "2026-11-25T01:51:35.123Z"}) {
    EXPECT_EQ(parse_iso8601(bad), std::nullopt) << bad;
  }
}

TEST(Time, FormatsTheUtcDate) {
  EXPECT_EQ(format_date(1795636295000), "2026-11-25");
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(kMillisPerDay - 1), "1970-01-01");
  EXPECT_EQ(format_date(kMillisPerDay), "1970-01-02");
  EXPECT_EQ(format_date(-1), "1969-12-31");
}

}  // namespace
}  // namespace st::domain
