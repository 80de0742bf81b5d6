#include "core/parallel.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace steam_rec {
namespace {

int configured_threads = 1;

// How often the calling thread polls for cancel while workers run: a cancel
// is noticed within this, plus the time to finish the chunks in flight.
constexpr auto kPollInterval = std::chrono::milliseconds(5);

// What one parallel_for() shares with its workers.
struct Job {
  Job(ChunkBody body, std::int64_t count, std::int64_t grain)
      : body(std::move(body)), count(count), grain(grain), chunks(chunk_count(count, grain)) {}

  const ChunkBody body;
  std::int64_t count;
  std::int64_t grain;
  std::int64_t chunks;
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished_one;
  int finished = 0;
  std::exception_ptr error;  // of the lowest chunk that threw, so the message is the same for any thread count
  std::int64_t error_chunk = -1;
  // done[n] is set (release) once chunk n's outputs are written, for
  // BackgroundFor::finished_chunks() on the calling thread (acquire).
  std::unique_ptr<std::atomic<bool>[]> done { new std::atomic<bool>[ static_cast<std::size_t>(chunks) ]() };

  // Records the exception being handled as chunk `number`'s error (the
  // lowest chunk's wins) and stops the job.
  void fail(std::int64_t number) {
    std::lock_guard<std::mutex> lock(mutex);
    if (error_chunk < 0 || number < error_chunk) {
      error = std::current_exception();
      error_chunk = number;
    }
    stop.store(true);
  }
};

// Set on worker threads: the stop flag of the job they serve.
thread_local const std::atomic<bool>* worker_stop = nullptr;
// Set on the calling thread while it runs chunks itself: its cancel check.
thread_local CancelCheck* serial_cancel = nullptr;

// Restores the calling thread's serial_cancel when a (possibly nested) call
// that set it returns or throws.
struct SerialCancelScope {
  CancelCheck* const previous = serial_cancel;
  ~SerialCancelScope() { serial_cancel = previous; }
};

Chunk chunk_at(std::int64_t number, std::int64_t count, std::int64_t grain) {
  const std::int64_t begin = number * grain;
  return Chunk{number, begin, std::min(count, begin + grain)};
}

// Takes chunks until none is left or the job stops; records the first error.
void work(Job& job, int worker) noexcept {
  worker_stop = &job.stop;
  for (;;) {
    if (job.stop.load(std::memory_order_relaxed)) break;
    const std::int64_t number = job.next.fetch_add(1, std::memory_order_relaxed);
    if (number >= job.chunks) break;
    try {
      job.body(chunk_at(number, job.count, job.grain), worker);
      job.done[number].store(true, std::memory_order_release);
    } catch (...) {
      job.fail(number);
    }
  }
  worker_stop = nullptr;
  std::lock_guard<std::mutex> lock(job.mutex);
  ++job.finished;
  job.finished_one.notify_one();
}

// Starts one worker with every signal blocked, so the server's handlers run
// only on the backend's own thread.  Returns false if no thread could start.
bool start_worker(std::vector<std::thread>& workers, Job& job, int worker) {
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  bool started = true;
  try {
    workers.emplace_back(work, std::ref(job), worker);
  } catch (...) {
    started = false;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return started;
}

// Runs every chunk in order on this thread; marks each done in `done` when given.
void run_serially(std::int64_t count, std::int64_t grain, const ChunkBody& body, CancelCheck& cancel,
                  std::atomic<bool>* done = nullptr) {
  const std::int64_t chunks = chunk_count(count, grain);
  const SerialCancelScope scope;
  if (worker_stop == nullptr) serial_cancel = &cancel;
  for (std::int64_t number = 0; number < chunks; ++number) {
    // A nested call on a worker must not touch the caller's CancelCheck.
    if (worker_stop != nullptr) {
      if (worker_stop->load(std::memory_order_relaxed)) throw Cancelled{};
    } else {
      cancel.poll_now();
    }
    body(chunk_at(number, count, grain), 0);
    if (done != nullptr) done[number].store(true, std::memory_order_release);
  }
}

// Waits until every worker has finished, polling `cancel` meanwhile (a cancel
// raises the stop flag), joins them, and throws Cancelled or a chunk's error.
void wait_for_workers(Job& job, std::vector<std::thread>& workers, CancelCheck& cancel) {
  bool cancelled = false;
  {
    std::unique_lock<std::mutex> lock(job.mutex);
    while (job.finished < static_cast<int>(workers.size())) {
      job.finished_one.wait_for(lock, kPollInterval);
      if (cancelled) continue;
      lock.unlock();
      try {
        cancel.poll_now();
      } catch (const Cancelled&) {
        cancelled = true;
        job.stop.store(true);
      }
      lock.lock();
    }
  }
  for (std::thread& worker : workers) worker.join();
  workers.clear();
  if (cancelled) throw Cancelled{};
  if (job.error) std::rethrow_exception(job.error);
}

// Takes chunks on the calling thread beside the workers until none is left,
// as worker number `helper`: polls `cancel` before each chunk and, through
// stop_point(), inside long ones.  Returns whether a cancel was seen; a
// chunk's error is recorded as a worker's would be.  Either stops the job.
bool help(Job& job, int helper, CancelCheck& cancel) {
  const SerialCancelScope scope;
  serial_cancel = &cancel;
  for (;;) {
    if (job.stop.load(std::memory_order_relaxed)) return false;
    std::int64_t number = -1;
    try {
      cancel.poll_now();
      number = job.next.fetch_add(1, std::memory_order_relaxed);
      if (number >= job.chunks) return false;
      job.body(chunk_at(number, job.count, job.grain), helper);
      job.done[number].store(true, std::memory_order_release);
    } catch (const Cancelled&) {
      job.stop.store(true);
      return true;
    } catch (...) {
      job.fail(number);
      return false;
    }
  }
}

}  // namespace

void set_max_threads(int threads) noexcept { configured_threads = std::clamp(threads, 1, kMaxThreads); }

int max_threads() noexcept { return configured_threads; }

int default_max_threads() noexcept {
  const unsigned cores = std::thread::hardware_concurrency();
  return std::clamp(static_cast<int>(cores), 1, kMaxThreads);
}

std::int64_t chunk_count(std::int64_t count, std::int64_t grain) noexcept {
  if (count <= 0) return 0;
  grain = std::max<std::int64_t>(grain, 1);
  return (count + grain - 1) / grain;
}

int threads_for(std::int64_t count, std::int64_t grain) noexcept {
  if (worker_stop != nullptr) return 1;
  const std::int64_t chunks = chunk_count(count, grain);
  return static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(configured_threads, chunks)));
}

void parallel_for(std::int64_t count, std::int64_t grain, const ChunkBody& body, CancelCheck& cancel) {
  grain = std::max<std::int64_t>(grain, 1);
  const int threads = threads_for(count, grain);
  if (threads <= 1) {
    run_serially(count, grain, body, cancel);
    return;
  }
  cancel.poll_now();
  Job job(body, count, grain);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int worker = 0; worker < threads; ++worker)
    if (!start_worker(workers, job, worker)) break;
  if (workers.empty()) {
    // No thread could start (a process limit): do the work here instead.
    run_serially(count, grain, body, cancel);
    return;
  }

  wait_for_workers(job, workers, cancel);
}

struct BackgroundFor::State {
  State(ChunkBody body, std::int64_t count, std::int64_t grain) : shared(std::move(body), count, grain) {}
  Job shared;
  std::vector<std::thread> workers;
  std::int64_t finished_prefix = 0;  // read and written by the calling thread only
};

BackgroundFor::BackgroundFor() noexcept = default;

BackgroundFor::~BackgroundFor() { stop(); }

void BackgroundFor::start(std::int64_t count, std::int64_t grain, ChunkBody body, int workers) {
  stop();
  grain = std::max<std::int64_t>(grain, 1);
  job_ = std::make_unique<State>(std::move(body), count, grain);
  started_ = true;
  int threads = threads_for(count, grain);
  if (workers < 0 && threads <= 1) return;             // wait() runs the chunks
  if (workers >= 0 && worker_stop != nullptr) return;  // nested: serially, as parallel_for()
  if (workers >= 0) threads = static_cast<int>(std::min<std::int64_t>(workers, chunk_count(count, grain)));
  job_->workers.reserve(static_cast<std::size_t>(threads));
  for (int worker = 0; worker < threads; ++worker)
    if (!start_worker(job_->workers, job_->shared, worker)) break;
}

void BackgroundFor::wait(CancelCheck& cancel) {
  if (!started_) return;
  started_ = false;
  // Whatever happens below, the job is over when wait() returns or throws.
  struct Done {
    BackgroundFor* self;
    ~Done() { self->stop(); }
  } done{this};
  State& job = *job_;
  if (job.workers.empty() && job.shared.next.load(std::memory_order_relaxed) == 0) {
    run_serially(job.shared.count, job.shared.grain, job.shared.body, cancel, job.shared.done.get());
    return;
  }
  const bool cancelled = help(job.shared, static_cast<int>(job.workers.size()), cancel);
  wait_for_workers(job.shared, job.workers, cancel);
  if (cancelled) throw Cancelled{};
}

bool BackgroundFor::run_one(CancelCheck& cancel) {
  if (!started_) return false;
  Job& job = job_->shared;
  if (job.stop.load(std::memory_order_relaxed)) return false;
  const SerialCancelScope scope;
  serial_cancel = &cancel;
  std::int64_t number = -1;
  try {
    cancel.poll_now();
    number = job.next.fetch_add(1, std::memory_order_relaxed);
    if (number >= job.chunks) return false;
    job.body(chunk_at(number, job.count, job.grain), static_cast<int>(job_->workers.size()));
    job.done[number].store(true, std::memory_order_release);
    return true;
  } catch (const Cancelled&) {
    job.stop.store(true);
    throw;
  } catch (...) {
    job.fail(number);
    return false;
  }
}

std::int64_t BackgroundFor::finished_chunks() noexcept {
  if (!job_) return 0;
  State& job = *job_;
  while (job.finished_prefix < job.shared.chunks &&
         job.shared.done[job.finished_prefix].load(std::memory_order_acquire))
    ++job.finished_prefix;
  return job.finished_prefix;
}

void BackgroundFor::stop() noexcept {
  started_ = false;
  if (!job_) return;
  job_->shared.stop.store(true);
  for (std::thread& worker : job_->workers) worker.join();
  job_.reset();
}

void stop_point() {
  if (worker_stop != nullptr) {
    if (worker_stop->load(std::memory_order_relaxed)) throw Cancelled{};
  } else if (serial_cancel != nullptr) {
    serial_cancel->poll_now();
  }
}

}  // namespace steam_rec
