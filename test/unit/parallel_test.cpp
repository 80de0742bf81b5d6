// The core's thread pool: fixed chunks, every chunk once, errors and cancels
// reach the calling thread, workers never see the server's signals.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <new>
#include <set>
#include <thread>
#include <vector>

#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "threads_scope.hpp"

namespace steam_rec {
namespace {

CancelCheck no_cancel;

TEST(ParallelFor, RunsEveryChunkOnceWithTheSameBoundsForAnyThreadCount) {
  for (int threads : {1, 2, 4}) {
    Threads scope(threads);
    std::vector<std::atomic<int>> runs(1000);
    std::mutex mutex;
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> chunks;
    const int workers = threads_for(1000, 64);
    EXPECT_EQ(workers, threads);
    parallel_for(
        1000, 64,
        [&](const Chunk& c, int worker) {
          EXPECT_LT(worker, workers);
          for (std::int64_t i = c.begin; i < c.end; ++i) ++runs[static_cast<std::size_t>(i)];
          std::lock_guard<std::mutex> lock(mutex);
          chunks.insert({c.number, c.begin, c.end});
        },
        no_cancel);
    for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
    ASSERT_EQ(chunks.size(), 16u);  // ceil(1000 / 64)
    EXPECT_EQ(*chunks.begin(), std::make_tuple(std::int64_t{0}, std::int64_t{0}, std::int64_t{64}));
    EXPECT_EQ(*chunks.rbegin(), std::make_tuple(std::int64_t{15}, std::int64_t{960}, std::int64_t{1000}));
  }
}

TEST(ParallelFor, UsesNoThreadWhenMaxThreadsIsOneAndAtMostOnePerChunk) {
  Threads scope(1);
  const auto caller = std::this_thread::get_id();
  parallel_for(
      100, 1, [&](const Chunk&, int) { EXPECT_EQ(std::this_thread::get_id(), caller); }, no_cancel);
  set_max_threads(8);
  EXPECT_EQ(threads_for(3, 1), 3);
  EXPECT_EQ(threads_for(0, 1), 1);
  set_max_threads(0);
  EXPECT_EQ(max_threads(), 1);
  set_max_threads(100000);
  EXPECT_EQ(max_threads(), kMaxThreads);
}

TEST(ParallelFor, RethrowsAWorkersExceptionOnTheCallingThread) {
  Threads scope(4);
  EXPECT_THROW(parallel_for(
                   100, 1,
                   [](const Chunk& c, int) {
                     if (c.number == 37) throw std::bad_alloc();
                   },
                   no_cancel),
               std::bad_alloc);
  // Of several failing chunks, the lowest one's error comes back, whatever
  // thread ran it first.
  try {
    parallel_for(
        100, 1,
        [](const Chunk& c, int) {
          if (c.number >= 10) throw InvalidArgument("chunk " + std::to_string(c.number));
        },
        no_cancel);
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(), "chunk 10");
  }
}

TEST(ParallelFor, CancelIsPolledOnlyOnTheCallingThreadAndStopsTheWorkers) {
  Threads scope(2);
  struct Poll {
    std::thread::id caller = std::this_thread::get_id();
    std::atomic<int> polls{0};
    std::atomic<bool> other_thread{false};
    std::atomic<int> chunks_run{0};
  } poll;
  CancelCheck cancel(
      [](void* context) noexcept {
        auto* p = static_cast<Poll*>(context);
        if (std::this_thread::get_id() != p->caller) p->other_thread = true;
        ++p->polls;
        return p->chunks_run.load() >= 20;  // the server's flag goes up once work is under way
      },
      &poll);
  // Busy chunks of about a millisecond each, 100,000 of them.
  EXPECT_THROW(parallel_for(
                   100000, 1,
                   [&](const Chunk&, int) {
                     ++poll.chunks_run;
                     const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
                     while (std::chrono::steady_clock::now() < until) {
                     }
                   },
                   cancel),
               Cancelled);
  EXPECT_FALSE(poll.other_thread.load());
  EXPECT_GT(poll.polls.load(), 1);
  EXPECT_LT(poll.chunks_run.load(), 100000);  // stopped long before the end
}

TEST(ParallelFor, WorkersRunWithEverySignalBlocked) {
  Threads scope(2);
  std::atomic<int> unblocked{0};
  parallel_for(
      8, 1,
      [&](const Chunk&, int) {
        sigset_t mask;
        pthread_sigmask(SIG_BLOCK, nullptr, &mask);
        for (int signal : {SIGINT, SIGTERM, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM})
          if (!sigismember(&mask, signal)) ++unblocked;
      },
      no_cancel);
  EXPECT_EQ(unblocked.load(), 0);
  // The calling thread's mask is as it was.
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGINT));
}

TEST(ParallelFor, ANestedCallRunsOnItsWorker) {
  Threads scope(2);
  std::atomic<int> inner{0};
  parallel_for(
      4, 1,
      [&](const Chunk&, int) {
        const auto worker = std::this_thread::get_id();
        EXPECT_EQ(threads_for(100, 1), 1);
        parallel_for(
            10, 1,
            [&](const Chunk&, int w) {
              EXPECT_EQ(w, 0);
              EXPECT_EQ(std::this_thread::get_id(), worker);
              ++inner;
            },
            no_cancel);
      },
      no_cancel);
  EXPECT_EQ(inner.load(), 40);
}

}  // namespace
}  // namespace steam_rec
