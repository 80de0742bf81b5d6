#include <cmath>
#include <random>

#include "core/algorithm_trainers.hpp"
#include "core/errors.hpp"
#include "core/parallel.hpp"

namespace steam_rec::rec {
namespace {

// Training keeps factors one row per player or game, contiguous, so a solve
// reads the rows it needs without striding across the whole matrix.
using Factors = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows per chunk of the per-row solves, and of the Gram matrix's partial sums
// (at most kGramParts partials, so their memory stays small at any size).
constexpr std::int64_t kSolveGrain = 64;
constexpr std::int64_t kGramParts = 32;
constexpr std::int64_t kGramMinGrain = 1024;
// Games per chunk of the random start (each chunk has its own generator).
constexpr std::int64_t kStartGrain = 64;

// One row's normal equations, A x = b, from "iALS revisited":
//   A = u * G + lambda_r * I + sum_{i in row} (c_i - u) y_i y_i'
//   b = sum_{i in row} c_i y_i
// with G = Y'Y (every other row, the unobserved part), u the unobserved
// weight, c_i = 1 + alpha * w_i the confidence and
// lambda_r = regularization * (|row| + u * |Y|)^exponent, where |Y| counts
// only the rows of Y with interactions (scale-free: rows known only from tags
// are zero and add nothing to G).
struct RowSystem {
  const Factors& other;
  const Eigen::MatrixXf& gram;
  const FoldIn& fold_in;
  std::int64_t observed_others;  // rows of `other` with interactions
  const std::int32_t* columns;
  const float* weights;
  std::size_t count;

  float regularization() const {
    const double others = static_cast<double>(observed_others);
    return static_cast<float>(
        fold_in.regularization *
        std::pow(static_cast<double>(count) + fold_in.unobserved_weight * others, fold_in.exponent));
  }
  float confidence(std::size_t p) const { return 1.0f + fold_in.alpha * weights[p]; }

  // out = A v, without forming A: the Gram matrix covers the unobserved part,
  // and only the row's own columns add their correction.
  void multiply(const Eigen::VectorXf& v, float lambda, Eigen::VectorXf& out) const {
    out.noalias() = fold_in.unobserved_weight * (gram * v);
    out += lambda * v;
    for (std::size_t p = 0; p < count; ++p) {
      const auto y = other.row(columns[p]);
      out += ((confidence(p) - fold_in.unobserved_weight) * y.dot(v.transpose())) * y.transpose();
    }
  }
};

// Solves the row exactly: forms A (factors^2 per column) and factorises it
// (factors^3).
void solve_by_cholesky(const RowSystem& row, Eigen::MatrixXf& a, Eigen::Ref<Eigen::RowVectorXf> x) {
  a = row.fold_in.unobserved_weight * row.gram;
  a.diagonal().array() += row.regularization();
  Eigen::VectorXf b = Eigen::VectorXf::Zero(row.gram.rows());
  for (std::size_t p = 0; p < row.count; ++p) {
    const auto y = row.other.row(row.columns[p]).transpose();
    const float confidence = row.confidence(p);
    a.selfadjointView<Eigen::Lower>().rankUpdate(y, confidence - row.fold_in.unobserved_weight);
    b += confidence * y;
  }
  Eigen::LLT<Eigen::MatrixXf> solver(a);
  if (solver.info() != Eigen::Success) {
    x.setZero();
    return;
  }
  x = solver.solve(b).transpose();
}

// Scratch of one thread's conjugate-gradient solves.
struct CgScratch {
  Eigen::VectorXf x, r, p, ap;
};

// Improves the row's previous solution by `steps` conjugate-gradient steps
// (Takacs, Pilaszy & Tikk 2011, as the `implicit` library does): each step
// costs factors * (|row| + factors) instead of a factorisation, and starting
// from the last iteration's factors a few steps suffice.
void solve_by_cg(const RowSystem& row, std::int32_t steps, CgScratch& s, Eigen::Ref<Eigen::RowVectorXf> x_row) {
  const float lambda = row.regularization();
  s.x = x_row.transpose();
  // r = b - A x
  row.multiply(s.x, lambda, s.r);
  s.r = -s.r;
  for (std::size_t p = 0; p < row.count; ++p) s.r += row.confidence(p) * row.other.row(row.columns[p]).transpose();
  s.p = s.r;
  float r_norm = s.r.squaredNorm();
  for (std::int32_t step = 0; step < steps && r_norm > 1e-20f; ++step) {
    row.multiply(s.p, lambda, s.ap);
    const float curvature = s.p.dot(s.ap);
    if (!(curvature > 0)) break;
    const float step_size = r_norm / curvature;
    s.x += step_size * s.p;
    s.r -= step_size * s.ap;
    const float next_norm = s.r.squaredNorm();
    s.p = s.r + (next_norm / r_norm) * s.p;
    r_norm = next_norm;
  }
  x_row = s.x.transpose();
}

// G = Y'Y, summed over fixed row blocks in block order, so the sum is the
// same for every thread count.  Each block adds only the lower triangle (half
// the products); the upper is mirrored once at the end.
Eigen::MatrixXf gram_of(const Factors& y, CancelCheck& cancel) {
  const std::int64_t rows = y.rows();
  const std::int64_t grain = std::max(kGramMinGrain, (rows + kGramParts - 1) / kGramParts);
  std::vector<Eigen::MatrixXf> parts(static_cast<std::size_t>(chunk_count(rows, grain)));
  parallel_for(
      rows, grain,
      [&](const Chunk& c, int) {
        Eigen::MatrixXf& part = parts[static_cast<std::size_t>(c.number)];
        part.setZero(y.cols(), y.cols());
        part.selfadjointView<Eigen::Lower>().rankUpdate(y.middleRows(c.begin, c.end - c.begin).transpose());
      },
      cancel);
  Eigen::MatrixXf gram = Eigen::MatrixXf::Zero(y.cols(), y.cols());
  for (const Eigen::MatrixXf& part : parts) gram += part;
  gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
  return gram;
}

// Solves every row of `solved` from the factors of the other side, rows in
// parallel; each row's result depends only on its own inputs.
// Rows of a side with at least one interaction.
std::int64_t rows_with_interactions(const SparseRows& rows) {
  std::int64_t count = 0;
  for (std::int64_t r = 0; r < rows.rows(); ++r) count += rows.offset[r + 1] > rows.offset[r] ? 1 : 0;
  return count;
}

void solve_side(const SparseRows& rows, const Factors& other, std::int64_t observed_others, const TrainParams& params,
                const FoldIn& fold_in, Factors& solved, CancelCheck& cancel) {
  const Eigen::MatrixXf gram = gram_of(other, cancel);
  const std::int64_t count = rows.rows();
  const int threads = threads_for(count, kSolveGrain);
  std::vector<CgScratch> cg(static_cast<std::size_t>(threads));
  std::vector<Eigen::MatrixXf> normal(static_cast<std::size_t>(threads));
  parallel_for(
      count, kSolveGrain,
      [&](const Chunk& c, int worker) {
        for (std::int64_t r = c.begin; r < c.end; ++r) {
          const std::int64_t begin = rows.offset[r];
          const std::size_t owned = static_cast<std::size_t>(rows.offset[r + 1] - begin);
          if (owned == 0) {
            solved.row(r).setZero();
            continue;
          }
          const RowSystem row{other, gram, fold_in, observed_others, &rows.index[begin], &rows.value[begin], owned};
          if (params.solver == Solver::cholesky)
            solve_by_cholesky(row, normal[static_cast<std::size_t>(worker)], solved.row(r));
          else
            solve_by_cg(row, params.cg_steps, cg[static_cast<std::size_t>(worker)], solved.row(r));
        }
      },
      cancel);
}

// The games with at least one owner, in game order.
std::vector<std::int32_t> owned_games(const SparseRows& by_game) {
  std::vector<std::int32_t> owned;
  for (std::int32_t g = 0; g < by_game.rows(); ++g)
    if (by_game.offset[g + 1] > by_game.offset[g]) owned.push_back(g);
  return owned;
}

// The player rows with each game numbered by its place among the owned
// games (an order-keeping renumbering, so every row stays sorted).
SparseRows with_owned_game_numbers(SparseRows rows, std::int32_t games, const std::vector<std::int32_t>& owned) {
  std::vector<std::int32_t> number(static_cast<std::size_t>(games), -1);
  for (std::size_t n = 0; n < owned.size(); ++n)
    number[static_cast<std::size_t>(owned[n])] = static_cast<std::int32_t>(n);
  for (std::int32_t& g : rows.index) g = number[static_cast<std::size_t>(g)];
  return rows;
}

// The games' random start: each chunk of kStartGrain rows draws from a
// generator of its own, seeded by the seed and the chunk's number, so chunks
// are drawn on any thread and the start is the same for every thread count.
// Only owned games are drawn: games known only from their tags change nothing.
void draw_start_values(std::int32_t seed, Factors& games, CancelCheck& cancel) {
  const float deviation = 1.0f / std::sqrt(static_cast<float>(games.cols()));
  parallel_for(
      games.rows(), kStartGrain,
      [&](const Chunk& c, int) {
        std::seed_seq chunk_seed{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(c.number)};
        std::mt19937 random(chunk_seed);
        std::normal_distribution<float> normal(0.0f, deviation);
        for (std::int64_t r = c.begin; r < c.end; ++r)
          for (Eigen::Index f = 0; f < games.cols(); ++f) games(r, f) = normal(random);
      },
      cancel);
}

}  // namespace

Eigen::VectorXf fold_in_player(const Eigen::Ref<const Eigen::MatrixXf>& factors,
                               const Eigen::Ref<const Eigen::MatrixXf>& gram, const FoldIn& fold_in,
                               const std::int32_t* games, const float* weights, std::size_t count, CancelCheck& cancel,
                               Eigen::LLT<Eigen::MatrixXf>* keep_solver) {
  const Eigen::Index f = factors.cols();
  const double others = static_cast<double>(fold_in.observed >= 0 ? fold_in.observed : factors.rows());
  const float regularization =
      static_cast<float>(fold_in.regularization *
                         std::pow(static_cast<double>(count) + fold_in.unobserved_weight * others, fold_in.exponent));
  Eigen::MatrixXf a = fold_in.unobserved_weight * gram;
  a.diagonal().array() += regularization;
  Eigen::VectorXf b = Eigen::VectorXf::Zero(f);
  for (std::size_t p = 0; p < count; ++p) {
    cancel.poll(16);
    const auto y = factors.row(games[p]).transpose();
    const float confidence = 1.0f + fold_in.alpha * weights[p];
    a.selfadjointView<Eigen::Lower>().rankUpdate(y, confidence - fold_in.unobserved_weight);
    b += confidence * y;
  }
  Eigen::LLT<Eigen::MatrixXf> solver(a);
  if (solver.info() != Eigen::Success) return Eigen::VectorXf::Zero(f);
  Eigen::VectorXf x = solver.solve(b);
  if (keep_solver != nullptr) *keep_solver = solver;
  return x;
}

Eigen::MatrixXf train_ials(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  const std::int32_t factors = params.factors;
  // Only games somebody owns are solved; the rest keep zero factors and score 0.
  const std::vector<std::int32_t> owned = owned_games(data.by_game());
  const std::int32_t owned_count = static_cast<std::int32_t>(owned.size());
  const SparseRows by_player = with_owned_game_numbers(
      weighted_by_player(data, InteractionWeight{params.engagement_weight}), data.games(), owned);
  const SparseRows by_game = transpose(by_player, owned_count);
  const FoldIn fold_in{params.regularization, params.alpha, params.unobserved_weight, params.exponent};

  Factors games(owned_count, factors);
  draw_start_values(params.seed, games, cancel);
  // Conjugate gradient starts from these; the first iteration's steps move
  // them from zero towards the exact solution.
  Factors players = Factors::Zero(by_player.rows(), factors);
  const std::int64_t observed_players = rows_with_interactions(by_player);

  for (std::int32_t iteration = 0; iteration < params.iterations; ++iteration) {
    solve_side(by_player, games, owned_count, params, fold_in, players, cancel);
    solve_side(by_game, players, observed_players, params, fold_in, games, cancel);
  }
  // Factors past what a stored model may hold would be refused at every load.
  if (!games.allFinite() || (games.size() > 0 && games.cwiseAbs().maxCoeff() > kLargestStoredMagnitude))
    throw InvalidArgument("ials diverged; lower alpha or raise regularization");
  Eigen::MatrixXf all = Eigen::MatrixXf::Zero(data.games(), factors);
  for (std::int32_t g = 0; g < owned_count; ++g) all.row(owned[static_cast<std::size_t>(g)]) = games.row(g);
  return all;
}

}  // namespace steam_rec::rec
