#include "core/row_parts.hpp"

#include "core/best_kept.hpp"
#include "core/parallel.hpp"

#include <algorithm>

namespace steam_rec::rec {

void add_row_products(const SparseRows& rows, const SparseRows& columns, std::int32_t row, RowScratch& scratch) {
  for (std::int64_t p = rows.offset[row]; p < rows.offset[row + 1]; ++p) {
    const std::int32_t t = rows.index[p];
    for (std::int64_t q = columns.offset[t]; q < columns.offset[t + 1]; ++q) {
      const std::int32_t j = columns.index[q];
      if (scratch.dot[j] == 0) scratch.touched.push_back(j);
      scratch.dot[j] += rows.value[p] * columns.value[q];
    }
  }
}

namespace {

// A row with at least this many products per game of the catalog is read
// back by one pass over every game's sum (collect_row_products()).
constexpr std::int64_t kGamesPerProductForPass = 4;

// Whether row `row`'s products meet enough of the `games` to be read back by
// one pass over every game's sum.
bool read_by_one_pass(const SparseRows& rows, const SparseRows& columns, std::int32_t row, std::int32_t games) {
  std::int64_t products = 0;
  for (std::int64_t p = rows.offset[row]; p < rows.offset[row + 1]; ++p)
    products += columns.offset[rows.index[p] + 1] - columns.offset[rows.index[p]];
  return products * kGamesPerProductForPass >= games;
}

// Adds row `row`'s products into `dot` without noting what they touch, each
// sum in the order of the row's entries.  The arrays are read through local
// pointers: the server's build allows any store to alias any object
// (-fno-strict-aliasing), so a pointer read from a vector inside the loop
// would be read again after every store to `dot`.
void add_row_products_unlisted(const SparseRows& rows, const SparseRows& columns, std::int32_t row, float* dot) {
  const std::int64_t* offset = columns.offset.data();
  const std::int32_t* index = columns.index.data();
  const float* value = columns.value.data();
  for (std::int64_t p = rows.offset[row]; p < rows.offset[row + 1]; ++p) {
    const std::int32_t t = rows.index[p];
    const float weight = rows.value[p];
    const std::int64_t end = offset[t + 1];
    for (std::int64_t q = offset[t]; q < end; ++q) dot[index[q]] += weight * value[q];
  }
}

}  // namespace

void collect_row_products(const SparseRows& rows, const SparseRows& columns, std::int32_t row, std::int32_t skip,
                          RowScratch& scratch) {
  std::vector<float>& dot = scratch.dot;
  const auto games = static_cast<std::int32_t>(dot.size());
  if (!read_by_one_pass(rows, columns, row, games)) {
    add_row_products(rows, columns, row, scratch);
    for (std::int32_t j : scratch.touched) {
      if (j != skip && dot[j] != 0) scratch.candidates.push_back(Scored{dot[j], j});
      dot[j] = 0;
    }
    scratch.touched.clear();
    return;
  }
  add_row_products_unlisted(rows, columns, row, dot.data());
  for (std::int32_t j = 0; j < games; ++j) {
    if (dot[j] == 0) continue;
    if (j != skip) scratch.candidates.push_back(Scored{dot[j], j});
    dot[j] = 0;
  }
}

void collect_best_row_products(const SparseRows& rows, const SparseRows& columns, std::int32_t row, std::int32_t skip,
                               std::size_t count, RowScratch& scratch) {
  const auto games = static_cast<std::int32_t>(scratch.dot.size());
  if (!read_by_one_pass(rows, columns, row, games)) {
    scratch.candidates.clear();
    collect_row_products(rows, columns, row, skip, scratch);
    keep_best(scratch.candidates, count);
    return;
  }
  float* dot = scratch.dot.data();
  add_row_products_unlisted(rows, columns, row, dot);
  // Most games of a long row lose, so the pass first asks a whole block of
  // games whether any could be kept, a question without a branch per game,
  // which the compiler asks of several games per instruction.
  BestKept best(scratch.candidates, count);
  const auto offer = [&](std::int32_t j) {
    if (dot[j] != 0 && j != skip) best.offer(dot[j], j);
  };
  constexpr std::int32_t kBlock = 16;
  std::int32_t j = 0;
  if (count > 0) {
    for (; j + kBlock <= games; j += kBlock) {
      // An int, not a bool, and a pointer to the block, not dot[j + k]: GCC
      // vectorizes the loop only so.
      const float* block = dot + j;
      const float to_beat = best.to_beat();
      int may_keep = 0;
      for (std::int32_t k = 0; k < kBlock; ++k) may_keep |= block[k] >= to_beat ? 1 : 0;
      if (may_keep == 0) continue;
      for (std::int32_t k = 0; k < kBlock; ++k) offer(j + k);
    }
    for (; j < games; ++j) offer(j);
  }
  best.finish();
  std::fill(dot, dot + games, 0.0f);
}

void append_by_index(std::vector<Scored>& candidates, SparseRows& part) {
  std::sort(candidates.begin(), candidates.end(), [](const Scored& a, const Scored& b) { return a.index < b.index; });
  for (const Scored& c : candidates) {
    part.index.push_back(c.index);
    part.value.push_back(c.score);
  }
  part.offset.push_back(part.nonzeros());
}

SparseRows concatenate(const std::vector<SparseRows>& parts) {
  SparseRows joined;
  std::size_t rows = 0, nonzeros = 0;
  for (const SparseRows& part : parts) {
    rows += static_cast<std::size_t>(part.rows());
    nonzeros += static_cast<std::size_t>(part.nonzeros());
  }
  joined.offset.reserve(rows + 1);
  joined.index.reserve(nonzeros);
  joined.value.reserve(nonzeros);
  for (const SparseRows& part : parts) {
    const std::int64_t base = joined.nonzeros();
    for (std::int32_t r = 0; r < part.rows(); ++r) joined.offset.push_back(base + part.offset[r + 1]);
    joined.index.insert(joined.index.end(), part.index.begin(), part.index.end());
    joined.value.insert(joined.value.end(), part.value.begin(), part.value.end());
  }
  return joined;
}

namespace {

// Fills the rows of `chunk` into its part, with a thread's scratch.
void fill_chunk(const Chunk& chunk, std::int32_t games, const RowFiller& fill, RowScratch& s, SparseRows& part) {
  s.dot.resize(static_cast<std::size_t>(games), 0.0f);
  // Filled here and moved into place once: the parts sit side by side, and
  // appending to `part` itself would write its vectors' ends on a cache line
  // that the thread filling the next chunk writes too.
  SparseRows rows;
  for (std::int64_t row = chunk.begin; row < chunk.end; ++row) {
    s.candidates.clear();
    fill(static_cast<std::int32_t>(row), s);
    append_by_index(s.candidates, rows);
  }
  part = std::move(rows);
}

}  // namespace

SparseRows game_rows_in_parallel(std::int32_t games, std::int64_t rows_per_chunk, const RowFiller& fill,
                                 CancelCheck& cancel) {
  return game_rows_in_parallel(
      games, rows_per_chunk, [](const Chunk&, int) {}, [&fill](std::int32_t row, int, RowScratch& s) { fill(row, s); },
      cancel);
}

SparseRows game_rows_in_parallel(std::int32_t games, std::int64_t rows_per_chunk, const ChunkStart& start,
                                 const WorkerRowFiller& fill, CancelCheck& cancel) {
  std::vector<RowScratch> scratch(static_cast<std::size_t>(threads_for(games, rows_per_chunk)));
  std::vector<SparseRows> parts(static_cast<std::size_t>(chunk_count(games, rows_per_chunk)));
  parallel_for(
      games, rows_per_chunk,
      [&](const Chunk& chunk, int worker) {
        start(chunk, worker);
        fill_chunk(
            chunk, games, [&fill, worker](std::int32_t row, RowScratch& s) { fill(row, worker, s); },
            scratch[static_cast<std::size_t>(worker)], parts[static_cast<std::size_t>(chunk.number)]);
      },
      cancel);
  return concatenate(parts);
}

void GameRowsInBackground::start(std::int32_t games, std::int64_t rows_per_chunk, RowFiller fill) {
  job_.stop();
  games_ = games;
  rows_per_chunk_ = std::max<std::int64_t>(rows_per_chunk, 1);
  fill_ = std::move(fill);
  // The workers, and the calling thread as one more.
  const int workers = std::max(0, threads_for(games, rows_per_chunk_) - 1);
  scratch_.assign(static_cast<std::size_t>(workers + 1), RowScratch());
  parts_.assign(static_cast<std::size_t>(chunk_count(games, rows_per_chunk_)), SparseRows());
  job_.start(
      games, rows_per_chunk_,
      [this](const Chunk& chunk, int worker) {
        fill_chunk(chunk, games_, fill_, scratch_[static_cast<std::size_t>(worker)],
                   parts_[static_cast<std::size_t>(chunk.number)]);
      },
      workers);
}

std::int32_t GameRowsInBackground::rows_ready() noexcept {
  return static_cast<std::int32_t>(std::min<std::int64_t>(games_, job_.finished_chunks() * rows_per_chunk_));
}

SparseRows GameRowsInBackground::rows(std::int32_t first, std::int32_t last) const {
  const auto from = static_cast<std::ptrdiff_t>(first / rows_per_chunk_);
  const auto to = static_cast<std::ptrdiff_t>(chunk_count(last, rows_per_chunk_));
  return concatenate(std::vector<SparseRows>(parts_.begin() + from, parts_.begin() + to));
}

bool GameRowsInBackground::run_one(CancelCheck& cancel) { return job_.run_one(cancel); }

SparseRows GameRowsInBackground::finish(CancelCheck& cancel) {
  job_.wait(cancel);
  return concatenate(parts_);
}

}  // namespace steam_rec::rec
