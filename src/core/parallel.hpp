// Running the core's long loops on several threads, inside one call.
//
// PostgreSQL backends are single-threaded processes, so the threads live only
// for one parallel_for(): they are started with every signal blocked (the
// server's signal handlers keep running on the backend's own thread), they
// never call the server, and they are joined before parallel_for() returns,
// on success, error and cancel alike.  No thread outlives a call, so an idle
// backend holds no threads and no per-thread memory.
//
// Results never depend on the thread count: [0, count) is cut into chunks of
// a fixed size chosen by the caller, each chunk writes only its own outputs,
// and whatever is summed across chunks is summed by the caller in chunk order.
//
// Cancellation: the calling thread does no work of its own while workers run;
// it waits and polls the CancelCheck (a read of the server's interrupt flags,
// safe only on that thread) every few milliseconds, and raises an atomic stop
// flag that workers read before each chunk.  An exception thrown by a chunk
// (std::bad_alloc, InvalidArgument) stops the others too and is rethrown on
// the calling thread after every worker has been joined.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/cancel.hpp"

namespace steam_rec {

// The most threads parallel_for() may start (the glue sets it from
// steam_rec.max_threads).  1 means none: chunks run on the calling thread.
// One value per process; a backend runs one statement at a time.
void set_max_threads(int threads) noexcept;
int max_threads() noexcept;
// The machine's cores (at least 1, at most kMaxThreads): the default.
int default_max_threads() noexcept;
constexpr int kMaxThreads = 64;

struct Chunk {
  std::int64_t number;  // 0, 1, ... in order of begin
  std::int64_t begin;
  std::int64_t end;  // exclusive
};

// How many chunks of `grain` items cover `count` items.
std::int64_t chunk_count(std::int64_t count, std::int64_t grain) noexcept;
// How many threads parallel_for(count, grain, ...) runs its chunks on now;
// `worker` in the body is below this.  Size per-thread scratch by it.
int threads_for(std::int64_t count, std::int64_t grain) noexcept;

using ChunkBody = std::function<void(const Chunk& chunk, int worker)>;

// Runs body(chunk, worker) once for every chunk of `grain` items of
// [0, count), on threads_for(count, grain) threads.  `worker` only names the
// thread's scratch; it must not change results.  Throws Cancelled when
// `cancel` asks to stop, or what a chunk threw.  Called from inside a chunk
// it runs serially on that worker.
void parallel_for(std::int64_t count, std::int64_t grain, const ChunkBody& body, CancelCheck& cancel);

// parallel_for() split in two, so the calling thread can do work of its own
// (read and write tables) while the workers run the chunks: start() returns
// at once; wait() takes the chunks still left on the calling thread too, as
// one more worker, polling the CancelCheck between and inside them, then
// blocks until every chunk is done.  So a caller whose own work is short
// lends its core to the job instead of idling.  With one thread (or when no
// thread can start) the chunks run inside wait() on the calling thread.  The destructor stops the workers after their
// chunk in hand and joins them, so an error raised on the calling thread between start() and wait() leaves no thread
// behind once this object is deleted.
class BackgroundFor {
 public:
  BackgroundFor() noexcept;
  ~BackgroundFor();
  BackgroundFor(const BackgroundFor&) = delete;
  BackgroundFor& operator=(const BackgroundFor&) = delete;

  // Starts body over [0, count) in chunks of `grain`, as parallel_for(), on
  // `workers` threads (at most one per chunk; 0 runs the chunks inside
  // wait(); -1: threads_for(count, grain), none when that is 1).  A caller
  // that keeps busy meanwhile asks for one fewer than max_threads(), so the
  // job and the caller together use max_threads() cores.  At most one job
  // runs at a time (call wait() before the next start()).
  void start(std::int64_t count, std::int64_t grain, ChunkBody body, int workers = -1);
  // Runs the chunks left on this thread, as the worker numbered after the
  // threads started (size per-thread scratch for `workers` + 1), and waits
  // for the started job; throws Cancelled or what a chunk threw.  Does nothing
  // when no job was started.
  void wait(CancelCheck& cancel);
  bool running() const noexcept { return started_; }
  // Runs one chunk of the started job on this thread, as wait() would (the
  // worker numbered after the threads started), polling `cancel` first;
  // returns false when no chunk is left to take or the job has stopped (a
  // chunk's error is thrown later by wait()).  Lets a caller that writes
  // finished results interleave that with work of its own.
  bool run_one(CancelCheck& cancel);
  // How many chunks from chunk 0 on are finished, with no gap: their outputs
  // may be read on this thread (the calling one) while the rest run.
  std::int64_t finished_chunks() noexcept;
  // Stops the workers after their chunk in hand, joins them, drops the job.
  void stop() noexcept;

 private:
  struct State;
  std::unique_ptr<State> job_;
  bool started_ = false;
};

// Called inside a chunk that runs long (a large triangular solve): throws
// Cancelled if the job is being stopped.  On a worker it reads the stop flag;
// on the calling thread (no workers) it polls the CancelCheck.
void stop_point();

}  // namespace steam_rec
