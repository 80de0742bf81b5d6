// Building a SparseRows in parallel: each chunk of rows fills a part of its
// own, and the parts are joined in chunk order, so the result is the same
// for any number of threads.
#pragma once

#include <functional>
#include <vector>

#include "core/cancel.hpp"
#include "core/parallel.hpp"
#include "core/top_k.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// One thread's scratch for accumulating a row's scores over all games.
// Aligned to a cache line of its own: the threads' scratches sit side by side
// in one array, and each row's appends write this one's vector ends, which
// a neighbour on the same line would read and write back and forth.
struct alignas(64) RowScratch {
  std::vector<float> dot;             // per game; zero except at `touched`
  std::vector<std::int32_t> touched;  // games whose dot is non-zero
  std::vector<Scored> candidates;
};

// Adds to scratch.dot[j] the dot product of row `row` of `rows` with every
// row j of the transposed matrix `columns` (rows' columns by row), noting
// each j it makes non-zero in scratch.touched.
void add_row_products(const SparseRows& rows, const SparseRows& columns, std::int32_t row, RowScratch& scratch);

// Appends to scratch.candidates each j but `skip` whose dot product as
// add_row_products() computes it is non-zero, with that product, in no set
// order, leaving scratch.dot all zero (size it to the rows of `columns`'
// index range first).  A row that meets a good share of all games (a game's
// common tags reach most of the catalog) is summed without noting what it
// touches and read back in one pass over scratch.dot: the list of touched
// games, its branch per product and its scattered reads cost more than the
// pass.  The sums are the same either way, each taken in the order of the
// row's entries.
void collect_row_products(const SparseRows& rows, const SparseRows& columns, std::int32_t row, std::int32_t skip,
                          RowScratch& scratch);

// Leaves in scratch.candidates (emptied first) the `count` best of what
// collect_row_products() appends, best first: what keep_best() leaves of
// them.  A row read back by one pass over every game keeps the best while it
// reads instead of listing every game it meets: a few hundred of a row's
// thousands of sums ever come near the best.
void collect_best_row_products(const SparseRows& rows, const SparseRows& columns, std::int32_t row, std::int32_t skip,
                               std::size_t count, RowScratch& scratch);

// Appends `candidates` as the next row of `part`, in ascending index order
// (reorders `candidates`).
void append_by_index(std::vector<Scored>& candidates, SparseRows& part);

// The rows of every part, in order.
SparseRows concatenate(const std::vector<SparseRows>& parts);

// Fills scratch.candidates with row `row`'s entries, leaving scratch.dot all
// zero again.
using RowFiller = std::function<void(std::int32_t row, RowScratch& scratch)>;

// Builds a game x game SparseRows one row at a time by `fill`, rows in
// parallel chunks of `rows_per_chunk`, each thread with its own scratch, the
// chunks joined in order.
SparseRows game_rows_in_parallel(std::int32_t games, std::int64_t rows_per_chunk, const RowFiller& fill,
                                 CancelCheck& cancel);

// Runs on the thread that fills a chunk's rows, before them, with that
// thread's number (below threads_for(games, rows_per_chunk)): what a chunk's
// rows share is computed once for them.
using ChunkStart = std::function<void(const Chunk& chunk, int worker)>;
// A RowFiller told the number of the thread it runs on.
using WorkerRowFiller = std::function<void(std::int32_t row, int worker, RowScratch& scratch)>;

// game_rows_in_parallel() with `start` run before each chunk's rows.
SparseRows game_rows_in_parallel(std::int32_t games, std::int64_t rows_per_chunk, const ChunkStart& start,
                                 const WorkerRowFiller& fill, CancelCheck& cancel);

// game_rows_in_parallel() with the calling thread free meanwhile: the rows
// finished so far, from row 0 on, can be read (and written to a table) while
// the workers compute the rest, and the caller lends its thread to the job
// between such reads.  The result is the same rows, for any thread count.
class GameRowsInBackground {
 public:
  // Starts filling the rows on max_threads() - 1 workers; with one thread
  // the rows are filled only by run_one() and finish() on the calling thread.
  void start(std::int32_t games, std::int64_t rows_per_chunk, RowFiller fill);
  // How many rows from row 0 on are final.
  std::int32_t rows_ready() noexcept;
  // Rows [first, last) of the result, last <= rows_ready(), first a value
  // rows_ready() returned before (or 0).
  SparseRows rows(std::int32_t first, std::int32_t last) const;
  // Fills one chunk of rows on this thread; false when none is left to take.
  bool run_one(CancelCheck& cancel);
  // Fills what is left, waits for the workers and returns every row.
  SparseRows finish(CancelCheck& cancel);

 private:
  std::int32_t games_ = 0;
  std::int64_t rows_per_chunk_ = 1;
  RowFiller fill_;
  std::vector<RowScratch> scratch_;
  std::vector<SparseRows> parts_;
  BackgroundFor job_;  // last: destroyed first, so its workers stop before what they write goes
};

}  // namespace steam_rec::rec
