// The model image: built in memory, opened in place, ranked from; and
// refused, never read out of bounds, when it is corrupt, truncated or stale.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/algorithm_registry.hpp"
#include "core/model_image.hpp"
#include "core/recommender.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck never;

// Two clusters of players, tags on every game, one game nobody owns.
GameModel trained(const std::string& algorithm) {
  TrainingSet data;
  const std::int32_t strategy[] = {10, 11, 12}, shooters[] = {20, 21, 22};
  for (int p = 0; p < 12; ++p) {
    const std::int32_t* games = p < 6 ? strategy : shooters;
    for (int g = 0; g < 3; ++g)
      if (g != p % 3) data.add_owned(p + 1, games[g], 0.5f);
    data.add_owned(p + 1, 40, 0.1f);
  }
  for (std::int32_t appid : {10, 11, 12, 30}) data.add_tag(appid, "Strategy", 1);
  for (std::int32_t appid : {20, 21, 22}) data.add_tag(appid, "FPS", 1);
  data.add_tag(40, "Casual", 1);
  data.add_tag(40, "casual", 2);
  data.finish(never);
  return train(data, resolve_params(algorithm, {}), never);
}

const ImageKey kKey{16384, 24576, 7, 810000000000};

std::vector<unsigned char> image_of(const GameModel& model) {
  std::vector<unsigned char> image;
  Status built = build_model_image(model, kKey, &image);
  EXPECT_TRUE(built.ok()) << built.message;
  return image;
}

std::vector<std::pair<std::int32_t, std::string>> ranked(Recommender& r, RankRequest request) {
  std::vector<std::pair<std::int32_t, std::string>> list;
  for (const Recommendation& rec : r.rank(request, never)) list.emplace_back(rec.appid, rec.tag);
  return list;
}

class ImageOfEveryAlgorithm : public ::testing::TestWithParam<std::string> {};

TEST_P(ImageOfEveryAlgorithm, AnOpenedImageRanksLikeTheModel) {
  const GameModel model = trained(GetParam());
  auto image = std::make_shared<std::vector<unsigned char>>(image_of(model));
  ModelView view;
  Status opened = open_model_image(image->data(), image->size(), &kKey, &view);
  ASSERT_TRUE(opened.ok()) << opened.message;
  Recommender from_image(image, view);
  Recommender from_model(model);
  for (std::vector<std::int32_t> owned : {std::vector<std::int32_t>{10}, {20, 21}, {40}, {}}) {
    RankRequest request;
    for (std::int32_t appid : owned) request.games.push_back(PlayerGame{appid, 0.5f});
    request.k = 5;
    request.diversity = owned.size() == 2 ? 0.5f : 0.0f;
    request.include_tags = owned.empty() ? std::vector<std::string>{"CASUAL"} : std::vector<std::string>{};
    EXPECT_EQ(ranked(from_image, request), ranked(from_model, request));
  }
  EXPECT_EQ(from_image.view().games(), static_cast<std::int32_t>(model.appids.size()));
}

std::vector<std::string> every_algorithm() {
  std::vector<std::string> names;
  for (const AlgorithmSpec& a : algorithms()) names.emplace_back(a.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(ModelImage, ImageOfEveryAlgorithm, ::testing::ValuesIn(every_algorithm()));

TEST(ModelImage, TagNamesMatchIgnoringCaseInTagOrder) {
  auto image = image_of(trained("hybrid"));
  ModelView view;
  ASSERT_TRUE(open_model_image(image.data(), image.size(), nullptr, &view).ok());
  const std::int32_t *first = nullptr, *last = nullptr;
  view.tags_named("cAsUaL", &first, &last);
  ASSERT_EQ(last - first, 2);
  EXPECT_LT(first[0], first[1]);
  view.tags_named("Racing", &first, &last);
  EXPECT_EQ(first, last);
}

TEST(ModelImage, AnotherModelsKeyIsRefused) {
  auto image = image_of(trained("itemknn"));
  ModelView view;
  for (ImageKey other : {ImageKey{16385, 24576, 7, 810000000000}, ImageKey{16384, 24577, 7, 810000000000},
                         ImageKey{16384, 24576, 8, 810000000000}, ImageKey{16384, 24576, 7, 810000000001}}) {
    Status opened = open_model_image(image.data(), image.size(), &other, &view);
    EXPECT_FALSE(opened.ok());
    EXPECT_NE(std::strstr(opened.message, "another model"), nullptr) << opened.message;
  }
  ImageKey key;
  ASSERT_TRUE(read_image_key(image.data(), image.size(), &key));
  EXPECT_TRUE(key == kKey);
}

TEST(ModelImage, EveryTruncationIsRefused) {
  auto image = image_of(trained("hybrid"));
  ModelView view;
  for (std::size_t size = 0; size < image.size(); size += (size < 1024 ? 1 : 61)) {
    std::vector<unsigned char> cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_FALSE(open_model_image(cut.data(), cut.size(), &kKey, &view).ok()) << size;
  }
}

TEST(ModelImage, EveryFlippedByteIsRefused) {
  for (const char* algorithm : {"hybrid", "ials"}) {
    auto image = image_of(trained(algorithm));
    ModelView view;
    for (std::size_t at = 0; at < image.size(); ++at) {
      std::vector<unsigned char> corrupt = image;
      corrupt[at] ^= 0x5A;
      EXPECT_FALSE(open_model_image(corrupt.data(), corrupt.size(), &kKey, &view).ok()) << algorithm << " " << at;
    }
  }
}

// A checked image (its bytes already accepted whole) opens from its header
// alone into the same view, and its header is still held to the key and
// the length.
TEST(ModelImage, ACheckedImageOpensFromItsHeaderAlike) {
  const GameModel model = trained("hybrid");
  auto image = std::make_shared<std::vector<unsigned char>>(image_of(model));
  ModelView header_only;
  Status opened = open_checked_model_image(image->data(), image->size(), &kKey, &header_only);
  ASSERT_TRUE(opened.ok()) << opened.message;
  Recommender from_image(image, header_only);
  Recommender from_model(model);
  RankRequest request;
  request.games.push_back(PlayerGame{20, 0.5f});
  request.k = 5;
  EXPECT_EQ(ranked(from_image, request), ranked(from_model, request));
  const ImageKey other{16384, 24576, 8, 810000000000};
  EXPECT_FALSE(open_checked_model_image(image->data(), image->size(), &other, &header_only).ok());
  EXPECT_FALSE(open_checked_model_image(image->data(), image->size() - 8, &kKey, &header_only).ok());
  std::vector<unsigned char> unsigned_image = *image;
  unsigned_image[0] ^= 0x5A;
  EXPECT_FALSE(open_checked_model_image(unsigned_image.data(), unsigned_image.size(), &kKey, &header_only).ok());
}

TEST(ModelImage, GarbageIsRefusedWithAReason) {
  std::vector<unsigned char> garbage(4096, 0xEE);
  ModelView view;
  Status opened = open_model_image(garbage.data(), garbage.size(), nullptr, &view);
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(std::strstr(opened.message, "signature"), nullptr) << opened.message;
}

// Counts the polls of a build, and asks it to stop at poll `stop_at` (0: never).
struct PollCounter {
  int polls = 0;
  int stop_at = 0;
  static bool poll(void* context) noexcept {
    auto* counter = static_cast<PollCounter*>(context);
    return ++counter->polls == counter->stop_at;
  }
};

// A million games with nothing but their popularity: an image of about
// 50 MB (each game's row offsets), cheap to build even under a sanitizer.
GameModel many_game_model() {
  GameModel model;
  constexpr std::int32_t kGames = 1000000;
  model.appids.resize(kGames);
  for (std::int32_t g = 0; g < kGames; ++g) model.appids[g] = g + 1;
  model.popularity.assign(kGames, 1.0f);
  return model;
}

// The zero fill of a large image once ran in one go (a fifth of a second for
// 70 MB, no cancel served); it polls every 8 MiB.
TEST(ModelImage, ALargeBuildPollsCancelInItsFillAndServesIt) {
  const GameModel model = many_game_model();
  PollCounter counted;
  std::vector<unsigned char> image;
  ASSERT_TRUE(build_model_image(model, kKey, &image, CancelCheck(PollCounter::poll, &counted)).ok());
  EXPECT_GE(counted.polls, static_cast<int>(image.size() >> 23)) << image.size() << " bytes";
  EXPECT_GE(counted.polls, 4);
  for (int stop_at : {1, counted.polls}) {
    PollCounter stopping;
    stopping.stop_at = stop_at;
    std::vector<unsigned char> stopped;
    const Status status = build_model_image(model, kKey, &stopped, CancelCheck(PollCounter::poll, &stopping));
    EXPECT_EQ(status.code, StatusCode::cancelled) << "stopped at poll " << stop_at;
  }
}

}  // namespace
}  // namespace steam_rec::rec
