// StagedTraining: itemknn's, rp3beta's and content's rows read while the core's threads fill the rest
// (as train() in the glue stores them) are the rows train() returns, on any
// thread count; BackgroundFor reports finished chunks only once written.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/algorithm_registry.hpp"
#include "core/parallel.hpp"
#include "core/staged_training.hpp"
#include "core/train_params.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck no_cancel;

TrainingSet plays() {
  TrainingSet data;
  std::mt19937 random(11);
  for (std::int64_t player = 1; player <= 900; ++player) {
    const int group = static_cast<int>(random() % 5);
    for (int n = 0; n < 6 + static_cast<int>(random() % 20); ++n) {
      const std::int32_t appid =
          random() % 3 != 0 ? 1 + group * 80 + static_cast<int>(random() % 80) : 1 + static_cast<int>(random() % 400);
      data.add_owned(player, appid, (random() % 4 == 0) ? 0.0f : static_cast<float>(random() % 1000) / 1000.0f);
    }
  }
  for (std::int32_t appid = 1; appid <= 400; ++appid) data.add_tag(appid, "tag " + std::to_string(appid % 9), 1);
  data.finish(no_cancel);
  return data;
}

void expect_same_rows(const SparseRows& a, const SparseRows& b, const std::string& what) {
  EXPECT_EQ(a.offset, b.offset) << what;
  EXPECT_EQ(a.index, b.index) << what;
  EXPECT_EQ(a.value, b.value) << what;  // floats compared bit for bit (no NaN here)
}

// Trains in stages the way the glue does: takes a chunk when few rows are
// waiting, else reads the rows ready; returns every row read, joined.
SparseRows rows_read_while_computed(StagedTraining& staged, std::int32_t games, std::int32_t rows_per_read) {
  std::vector<SparseRows> read;
  std::int32_t stored = 0;
  for (;;) {
    const std::int32_t ready = staged.rows_ready();
    if (ready - stored >= rows_per_read) {
      read.push_back(staged.rows(stored, ready));
      EXPECT_EQ(read.back().rows(), ready - stored);
      stored = ready;
    } else if (!staged.run_one(no_cancel)) {
      break;
    }
  }
  staged.finish(no_cancel);
  if (stored < games) read.push_back(staged.rows(stored, games));
  return concatenate(read);
}

TEST(ItemknnStoredWhileComputed, RowsReadWhileComputedAreTrainsRowsOnAnyThreadCount) {
  const TrainingSet data = plays();
  for (const char* given : {"{}", "weighting=none", "play_share_exponent"}) {
    TrainParams params = resolve_params("itemknn", {});
    if (std::string(given) == "weighting=none") params.weighting = Weighting::none;
    if (std::string(given) == "play_share_exponent") params.play_share_exponent = 1.0;
    ASSERT_TRUE(StagedTraining::applies(params));
    set_max_threads(1);
    const GameModel whole = train(data, params, no_cancel);
    for (int threads : {1, 2, 3}) {
      set_max_threads(threads);
      for (std::int32_t rows_per_read : {1, 16, 50}) {
        StagedTraining staged;
        staged.begin(data, params);
        const SparseRows read = rows_read_while_computed(staged, data.games(), rows_per_read);
        const std::string what =
            std::string(given) + ", " + std::to_string(threads) + " threads, reads of " + std::to_string(rows_per_read);
        expect_same_rows(read, whole.neighbors, what);
        expect_same_rows(staged.model().neighbors, whole.neighbors, what);
        EXPECT_EQ(staged.model().popularity, whole.popularity) << what;
        expect_same_rows(staged.model().tags, whole.tags, what);
        EXPECT_EQ(staged.model().appids, whole.appids) << what;
      }
    }
  }
  set_max_threads(1);
}

// rp3beta's neighbours and content's content neighbours, staged the same
// way, with the parameters that rescale their columns after the rows.
TEST(ItemknnStoredWhileComputed, Rp3betaAndContentRowsReadWhileComputedAreTrainsRows) {
  const TrainingSet data = plays();
  struct Case {
    const char* algorithm;
    const char* given;
  };
  for (const Case& c : {Case{"rp3beta", "{}"}, Case{"rp3beta", "play_share_exponent"}, Case{"content", "{}"},
                        Case{"content", "tag_popularity_exponent"}}) {
    TrainParams params = resolve_params(c.algorithm, {});
    if (std::string(c.given) == "play_share_exponent") params.play_share_exponent = 1.0;
    if (std::string(c.given) == "tag_popularity_exponent") params.tag_popularity_exponent = 1.0;
    ASSERT_TRUE(StagedTraining::applies(params));
    set_max_threads(1);
    const GameModel whole = train(data, params, no_cancel);
    const bool content = std::string(c.algorithm) == "content";
    const SparseRows& expected = content ? whole.content_neighbors : whole.neighbors;
    ASSERT_GT(expected.nonzeros(), 0) << c.algorithm;
    for (int threads : {1, 2, 3}) {
      set_max_threads(threads);
      for (std::int32_t rows_per_read : {1, 50}) {
        StagedTraining staged;
        staged.begin(data, params);
        EXPECT_EQ(staged.rows_are_content_neighbors(), content);
        const SparseRows read = rows_read_while_computed(staged, data.games(), rows_per_read);
        const std::string what = std::string(c.algorithm) + " " + c.given + ", " + std::to_string(threads) +
                                 " threads, reads of " + std::to_string(rows_per_read);
        expect_same_rows(read, expected, what);
        expect_same_rows(staged.model().neighbors, whole.neighbors, what);
        expect_same_rows(staged.model().content_neighbors, whole.content_neighbors, what);
        expect_same_rows(staged.model().tags, whole.tags, what);
      }
    }
  }
  set_max_threads(1);
}

TEST(ItemknnStoredWhileComputed, ItemknnRp3betaAndContentTrainInStages) {
  for (const AlgorithmSpec& spec : algorithms()) {
    const std::string name = spec.name;
    EXPECT_EQ(StagedTraining::applies(resolve_params(spec.name, {})),
              name == "itemknn" || name == "rp3beta" || name == "content")
        << spec.name;
  }
}

// A chunk counts as finished only after its body returned: the caller reads
// every output of the chunks finished_chunks() reports (TSan checks the
// hand-over), never one still being written.
TEST(ItemknnStoredWhileComputed, FinishedChunksAreWrittenChunksFromTheFirstOn) {
  set_max_threads(3);
  std::vector<std::int64_t> out(4000, -1);
  BackgroundFor job;
  job.start(
      4000, 10,
      [&](const Chunk& chunk, int) {
        for (std::int64_t i = chunk.begin; i < chunk.end; ++i) out[static_cast<std::size_t>(i)] = i * 3;
      },
      2);
  std::int64_t seen = 0;
  while (seen < 400) {
    const std::int64_t finished = job.finished_chunks();
    ASSERT_GE(finished, seen);
    for (std::int64_t i = seen * 10; i < finished * 10; ++i) ASSERT_EQ(out[static_cast<std::size_t>(i)], i * 3);
    seen = finished;
    if (!job.run_one(no_cancel)) std::this_thread::yield();
  }
  job.wait(no_cancel);
  set_max_threads(1);
}

// run_one() polls cancel before it takes a chunk and stops the job.
TEST(ItemknnStoredWhileComputed, RunOneThrowsCancelledAndStopsTheJob) {
  set_max_threads(2);
  std::atomic<bool> up{false};
  CancelCheck cancel([](void* flag) noexcept { return static_cast<std::atomic<bool>*>(flag)->load(); }, &up);
  std::atomic<int> chunks_run{0};
  BackgroundFor job;
  job.start(
      1000000, 1, [&](const Chunk&, int) { ++chunks_run; }, 1);
  EXPECT_TRUE(job.run_one(cancel));
  up = true;
  EXPECT_THROW(job.run_one(cancel), Cancelled);
  EXPECT_FALSE(job.run_one(no_cancel));  // stopped: nothing more is taken
  job.stop();
  EXPECT_LT(chunks_run.load(), 1000000);
  set_max_threads(1);
}

}  // namespace
}  // namespace steam_rec::rec
