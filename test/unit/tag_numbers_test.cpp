// TagNumbers numbers tag names in the order they are first seen, looked up
// from views into buffers it does not keep (the glue hands over names that
// point into table rows): equal names share a number whatever buffer they
// come from, and numbers stay put as the table grows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/seen_numbers.hpp"

using steam_rec::rec::TagNumbers;

TEST(TagNumbers, FirstSeenOrderAcrossGrowth) {
  TagNumbers numbers;
  std::vector<std::string> expected;
  for (int round = 0; round < 3; ++round)
    for (int t = 0; t < 1000; ++t) {
      // A fresh buffer per lookup, longer than the name, not NUL-terminated
      // after it: only the view's bytes count.
      const std::string name = "Tag " + std::to_string((t * 7) % 1000);
      std::string buffer = name + "#trailing";
      const std::int32_t number = numbers.number(std::string_view(buffer.data(), name.size()));
      if (round == 0 && number == static_cast<std::int32_t>(expected.size())) expected.push_back(name);
      ASSERT_EQ(numbers.keys()[static_cast<std::size_t>(number)], name);
    }
  EXPECT_EQ(numbers.keys(), expected);
  EXPECT_EQ(numbers.keys().size(), 1000u);
}

TEST(TagNumbers, EmptyAndPrefixNamesAreDistinct) {
  TagNumbers numbers;
  EXPECT_EQ(numbers.number(""), 0);
  EXPECT_EQ(numbers.number("Indie"), 1);
  EXPECT_EQ(numbers.number("Ind"), 2);
  EXPECT_EQ(numbers.number(std::string_view("Indie\0x", 7)), 3);
  EXPECT_EQ(numbers.number("Indie"), 1);
  EXPECT_EQ(numbers.number(""), 0);
}
