// The names image: what is written is found again, and damaged or foreign
// bytes are refused before a name is read from them.
#include "core/names_image.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace steam_rec::rec {
namespace {

NamesStamp stamp() {
  NamesStamp s;
  s.database = 5;
  s.catalog_table = 16400;
  s.catalog_file = 16401;
  s.counter_table = 16500;
  s.changes = 42;
  s.writer = 777;
  s.trigger_version = 700;
  return s;
}

std::vector<unsigned char> image_of(const std::vector<std::int32_t>& appids, const std::vector<const char*>& names) {
  std::vector<unsigned char> out(names_image_size(names.data(), names.size()));
  const Status status = build_names_image(stamp(), appids.data(), names.data(), names.size(), out.data(), out.size());
  EXPECT_TRUE(status.ok()) << status.message;
  return out;
}

TEST(NamesImage, FindsEveryNameAsWritten) {
  const std::string long_name(kLongestStoredName + 1, 'x');
  const std::vector<std::int32_t> appids = {-5, 1, 2, 70, 2147483647};
  const std::vector<const char*> names = {"Minus", "", nullptr, long_name.c_str(), "Max"};
  const auto image = image_of(appids, names);
  NamesView view;
  ASSERT_TRUE(open_names_image(image.data(), image.size(), stamp(), &view).ok());
  const char* name = nullptr;
  EXPECT_EQ(view.find(-5, &name), NamesView::Found::name);
  EXPECT_STREQ(name, "Minus");
  EXPECT_EQ(view.find(1, &name), NamesView::Found::name);
  EXPECT_STREQ(name, "");
  EXPECT_EQ(view.find(2, &name), NamesView::Found::null_name);
  EXPECT_EQ(view.find(70, &name), NamesView::Found::not_stored);
  EXPECT_EQ(view.find(2147483647, &name), NamesView::Found::name);
  EXPECT_STREQ(name, "Max");
  EXPECT_EQ(view.find(3, &name), NamesView::Found::no_row);
  EXPECT_EQ(view.find(-2147483647 - 1, &name), NamesView::Found::no_row);
  EXPECT_LT(image.size(), std::size_t{200});  // the long name is not stored
}

TEST(NamesImage, AnEmptyCatalogFindsNothing) {
  const auto image = image_of({}, {});
  NamesView view;
  ASSERT_TRUE(open_names_image(image.data(), image.size(), stamp(), &view).ok());
  const char* name = nullptr;
  EXPECT_EQ(view.find(1, &name), NamesView::Found::no_row);
}

TEST(NamesImage, RefusesEveryDamagedByte) {
  const auto image = image_of({1, 2, 3}, {"One", "Two", "Three"});
  for (std::size_t i = 0; i < image.size(); ++i) {
    auto damaged = image;
    damaged[i] ^= 0x20;
    NamesView view;
    EXPECT_FALSE(open_names_image(damaged.data(), damaged.size(), stamp(), &view).ok()) << "byte " << i;
  }
  for (std::size_t size = 0; size < image.size(); ++size) {
    NamesView view;
    EXPECT_FALSE(open_names_image(image.data(), size, stamp(), &view).ok()) << "size " << size;
  }
}

TEST(NamesImage, RefusesAnotherCatalogState) {
  const auto image = image_of({1}, {"One"});
  NamesStamp other = stamp();
  other.trigger_version += 1;
  NamesView view;
  const Status status = open_names_image(image.data(), image.size(), other, &view);
  EXPECT_FALSE(status.ok());
  EXPECT_STREQ(status.message, "names of another catalog state");
}

TEST(NamesImage, RefusesUnsortedAppids) {
  const std::vector<std::int32_t> appids = {2, 1};
  const std::vector<const char*> names = {"Two", "One"};
  std::vector<unsigned char> out(names_image_size(names.data(), names.size()));
  EXPECT_FALSE(build_names_image(stamp(), appids.data(), names.data(), 2, out.data(), out.size()).ok());
}

}  // namespace
}  // namespace steam_rec::rec
