#include "util/enum_names.hpp"

#include <gtest/gtest.h>

namespace st::util {
namespace {

enum class Colour { red, green, blue };

constexpr EnumNames<Colour, 3> kColourNames{{
    {Colour::red, "red"},
    {Colour::green, "green"},
    {Colour::blue, "light.blue"},
}};

TEST(EnumNames, NameOfReadsTheValuesRow) {
  EXPECT_EQ(name_of(kColourNames, Colour::red), "red");
  EXPECT_EQ(name_of(kColourNames, Colour::blue), "light.blue");
}

TEST(EnumNames, AValueOutsideTheTableIsUnknown) {
  EXPECT_EQ(name_of(kColourNames, static_cast<Colour>(7)), "unknown");
}

TEST(EnumNames, ValueNamedIsTheInverseOfNameOf) {
  for (const auto& row : kColourNames)
    EXPECT_EQ(value_named(kColourNames, name_of(kColourNames, row.value)), row.value);
}

TEST(EnumNames, ValueNamedMatchesExactlyOrNotAtAll) {
  EXPECT_EQ(value_named(kColourNames, "Red"), std::nullopt);
  EXPECT_EQ(value_named(kColourNames, "red "), std::nullopt);
  EXPECT_EQ(value_named(kColourNames, ""), std::nullopt);
  EXPECT_EQ(value_named(kColourNames, "unknown"), std::nullopt);
}

TEST(EnumNames, WorksAtCompileTime) {
  static_assert(name_of(kColourNames, Colour::green) == "green");
  static_assert(value_named(kColourNames, "light.blue") == Colour::blue);
}

}  // namespace
}  // namespace st::util
