#include <cmath>
#include <random>

#include "core/errors.hpp"
#include "core/trainers.hpp"

namespace steam_rec::rec {
namespace {

// Solves every row of `solved` from the factors of the other side.
void solve_side(const SparseRows& rows, const Eigen::MatrixXf& other, const FoldIn& fold_in, Eigen::MatrixXf& solved,
                CancelCheck& cancel) {
  const Eigen::MatrixXf gram = other.transpose() * other;
  for (std::int32_t r = 0; r < rows.rows(); ++r) {
    const std::int64_t begin = rows.offset[r];
    const std::size_t count = static_cast<std::size_t>(rows.offset[r + 1] - begin);
    if (count == 0) {
      solved.row(r).setZero();
      continue;
    }
    solved.row(r) = fold_in_player(other, gram, fold_in, &rows.index[begin], &rows.value[begin], count).transpose();
    cancel.poll(64);
  }
}

}  // namespace

Eigen::VectorXf fold_in_player(const Eigen::Ref<const Eigen::MatrixXf>& factors,
                               const Eigen::Ref<const Eigen::MatrixXf>& gram, const FoldIn& fold_in,
                               const std::int32_t* games, const float* weights, std::size_t count,
                               Eigen::LLT<Eigen::MatrixXf>* keep_solver) {
  const Eigen::Index f = factors.cols();
  const double others = static_cast<double>(factors.rows());
  const float regularization = static_cast<float>(
      fold_in.regularization * std::pow(static_cast<double>(count) + fold_in.unobserved_weight * others, fold_in.exponent));
  Eigen::MatrixXf a = fold_in.unobserved_weight * gram;
  a.diagonal().array() += regularization;
  Eigen::VectorXf b = Eigen::VectorXf::Zero(f);
  for (std::size_t p = 0; p < count; ++p) {
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
  const SparseRows by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  const SparseRows by_game = transpose(by_player, data.games());
  const FoldIn fold_in{params.regularization, params.alpha, params.unobserved_weight, params.exponent};

  std::mt19937 random(static_cast<std::uint32_t>(params.seed));
  std::normal_distribution<float> normal(0.0f, 1.0f / std::sqrt(static_cast<float>(params.factors)));
  Eigen::MatrixXf games = Eigen::MatrixXf::NullaryExpr(data.games(), params.factors, [&]() { return normal(random); });
  // Games nobody owns never get a gradient: keep them at zero so they score 0.
  for (std::int32_t g = 0; g < data.games(); ++g)
    if (by_game.offset[g + 1] == by_game.offset[g]) games.row(g).setZero();
  Eigen::MatrixXf players(by_player.rows(), params.factors);

  for (std::int32_t iteration = 0; iteration < params.iterations; ++iteration) {
    solve_side(by_player, games, fold_in, players, cancel);
    solve_side(by_game, players, fold_in, games, cancel);
  }
  if (!games.allFinite()) throw InvalidArgument("ials diverged; lower alpha or raise regularization");
  return games;
}

}  // namespace steam_rec::rec
