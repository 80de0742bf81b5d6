// TrainingSet::finish() builds its game x tag half on a worker while the
// calling thread builds the player x game half: the matrices are the same on
// 1 and 2 threads, and a cancel stops the build on either thread.
#include <gtest/gtest.h>

#include <random>

#include "core/parallel.hpp"
#include "core/training_set.hpp"
#include "threads_scope.hpp"

using namespace steam_rec;
using namespace steam_rec::rec;

namespace {

// Owned games and tags given out of order, with repeats and games that only
// have tags.
void fill(TrainingSet& data) {
  std::mt19937 random(5);
  for (int i = 0; i < 40000; ++i)
    data.add_owned(static_cast<std::int64_t>(random() % 700), static_cast<std::int32_t>(random() % 900) * 3,
                   static_cast<float>(random() % 100) / 100);
  for (int i = 0; i < 30000; ++i)
    data.add_tag(static_cast<std::int32_t>(random() % 1200) * 3 + 1, "tag" + std::to_string(random() % 60),
                 static_cast<std::int32_t>(random() % 20) - 1);
}

void expect_same(const SparseRows& a, const SparseRows& b) {
  EXPECT_EQ(a.offset, b.offset);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.value, b.value);
}

bool always_stop(void*) noexcept { return true; }

}  // namespace

TEST(TrainingSetHalvesOnThreads, SameMatricesOnOneAndTwoThreads) {
  CancelCheck no_cancel;
  TrainingSet one, two;
  fill(one);
  fill(two);
  {
    Threads threads(1);
    one.finish(no_cancel);
  }
  {
    Threads threads(2);
    two.finish(no_cancel);
  }
  ASSERT_GT(one.tags_by_game().nonzeros(), 0);
  EXPECT_EQ(one.appids(), two.appids());
  EXPECT_EQ(one.tag_names(), two.tag_names());
  expect_same(one.by_player(), two.by_player());
  expect_same(one.by_game(), two.by_game());
  expect_same(one.tags_by_game(), two.tags_by_game());
}

TEST(TrainingSetHalvesOnThreads, CancelStopsTheBuildOnOneAndTwoThreads) {
  for (int n : {1, 2}) {
    Threads threads(n);
    TrainingSet data;
    fill(data);
    CancelCheck stop(always_stop, nullptr);
    EXPECT_THROW(data.finish(stop), Cancelled) << n << " threads";
  }
}
