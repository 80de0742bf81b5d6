// BackgroundFor: parallel_for() whose calling thread is free between start()
// and wait(); deleting it mid-job stops and joins the workers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/parallel.hpp"
#include "threads_scope.hpp"

namespace steam_rec {
namespace {

CancelCheck no_cancel;

void busy_for(std::chrono::microseconds time) {
  const auto until = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < until) {
  }
}

TEST(BackgroundFor, RunsEveryChunkOnceWhileTheCallerWorks) {
  for (int threads : {1, 2, 3}) {
    Threads scope(threads);
    std::vector<std::atomic<int>> runs(500);
    std::atomic<int> started{0};
    BackgroundFor job;
    job.start(500, 7, [&](const Chunk& chunk, int) {
      ++started;
      for (std::int64_t i = chunk.begin; i < chunk.end; ++i) ++runs[static_cast<std::size_t>(i)];
    });
    EXPECT_TRUE(job.running());
    if (threads > 1) {
      // The workers make progress without the calling thread.
      for (int spin = 0; spin < 2000 && started.load() == 0; ++spin)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      EXPECT_GT(started.load(), 0) << threads;
    } else {
      EXPECT_EQ(started.load(), 0);  // one thread: the chunks run inside wait()
    }
    job.wait(no_cancel);
    EXPECT_FALSE(job.running());
    for (const std::atomic<int>& n : runs) EXPECT_EQ(n.load(), 1) << threads;
  }
}

TEST(BackgroundFor, DeletingItMidJobStopsAndJoinsTheWorkers) {
  Threads scope(2);
  std::atomic<int> chunks_run{0};
  {
    BackgroundFor job;
    job.start(100000, 1, [&](const Chunk&, int) {
      ++chunks_run;
      busy_for(std::chrono::microseconds(500));
    });
    for (int spin = 0; spin < 2000 && chunks_run.load() < 4; ++spin)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }  // no wait(): the destructor must stop them
  const int after = chunks_run.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(chunks_run.load(), after);  // nobody runs chunks any more
  EXPECT_LT(after, 100000);
}

TEST(BackgroundFor, WaitThrowsCancelledAndWhatAChunkThrew) {
  Threads scope(2);
  struct Flag {
    std::atomic<bool> up{false};
  } flag;
  CancelCheck cancel([](void* f) noexcept { return static_cast<Flag*>(f)->up.load(); }, &flag);
  BackgroundFor job;
  std::atomic<int> chunks_run{0};
  job.start(100000, 1, [&](const Chunk&, int) {
    if (++chunks_run == 10) flag.up = true;
    busy_for(std::chrono::microseconds(200));
  });
  EXPECT_THROW(job.wait(cancel), Cancelled);
  EXPECT_LT(chunks_run.load(), 100000);

  job.start(50, 1, [&](const Chunk& chunk, int) {
    if (chunk.number == 30) throw std::runtime_error("chunk 30");
  });
  EXPECT_THROW(job.wait(no_cancel), std::runtime_error);
  job.wait(no_cancel);  // nothing started: nothing to do
}

// A caller whose own work is done lends its thread: wait() takes chunks
// beside the workers, as the worker numbered after them.  The worker's first
// chunk holds until the caller has run one (or 10 s pass, so a wait() that
// only waits fails rather than hangs).
TEST(BackgroundFor, CallerRanksBesideTheWorkersWhenItWaits) {
  Threads scope(2);
  const auto caller = std::this_thread::get_id();
  std::atomic<int> caller_chunks{0};
  std::atomic<int> bad_worker_numbers{0};
  std::vector<std::atomic<int>> runs(64);
  BackgroundFor job;
  job.start(
      64, 1,
      [&](const Chunk& chunk, int worker) {
        const bool on_caller = std::this_thread::get_id() == caller;
        if (on_caller) ++caller_chunks;
        if (worker != (on_caller ? 1 : 0)) ++bad_worker_numbers;
        if (!on_caller && chunk.number == 0)
          for (int spin = 0; spin < 10000 && caller_chunks.load() == 0; ++spin)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++runs[static_cast<std::size_t>(chunk.number)];
      },
      1);
  job.wait(no_cancel);
  EXPECT_GT(caller_chunks.load(), 0);
  EXPECT_EQ(bad_worker_numbers.load(), 0);
  for (const std::atomic<int>& n : runs) EXPECT_EQ(n.load(), 1);
}

}  // namespace
}  // namespace steam_rec
