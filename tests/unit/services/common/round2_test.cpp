#include "services/common/round2.hpp"

#include <gtest/gtest.h>

namespace st::services {
namespace {

TEST(Round2, KeepsTwoDecimals) {
  EXPECT_DOUBLE_EQ(round2(12.345678), 12.35);
  EXPECT_DOUBLE_EQ(round2(12.344), 12.34);
  EXPECT_DOUBLE_EQ(round2(100.0), 100.0);
  EXPECT_DOUBLE_EQ(round2(0.0), 0.0);
}

TEST(Round2, RoundsHalfAwayFromZero) {
  EXPECT_DOUBLE_EQ(round2(0.125), 0.13);
  EXPECT_DOUBLE_EQ(round2(-0.125), -0.13);
}

}  // namespace
}  // namespace st::services
