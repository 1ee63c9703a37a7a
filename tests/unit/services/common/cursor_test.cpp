#include <gtest/gtest.h>

#include "services/common/cursor.hpp"

namespace st::services {
namespace {

TEST(Cursor, RoundTripsAndHidesTheId) {
  for (std::int64_t id : {1LL, 42LL, 1'000'000LL, (1LL << 62)}) {
    const auto c = encode_cursor(id);
    EXPECT_NE(c.substr(3), std::to_string(id)) << c;  // not the raw id clients could forge
    EXPECT_EQ(decode_cursor(c), id);
  }
}

TEST(Cursor, RejectsAnythingItDidNotMake) {
  for (const char* bad : {"", "42", "c1.", "c1.zz", "c2.123", "c1.123456789abcdef0123"})
    EXPECT_EQ(decode_cursor(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace st::services
