#include "core/spd_inverse.hpp"

#include <algorithm>

#include "core/errors.hpp"
#include "core/parallel.hpp"

namespace steam_rec::rec {
namespace {

constexpr Eigen::Index kBlock = 128;

// Right-looking blocked Cholesky: afterwards the lower triangle holds L.
// Within a step, the panel's row blocks and the trailing update's column
// blocks are independent and run in parallel; each block is computed the same
// way on any thread, so L does not depend on the thread count.
void cholesky_in_place(Eigen::Map<Eigen::MatrixXd>& a, CancelCheck& cancel) {
  const Eigen::Index n = a.rows();
  for (Eigen::Index k = 0; k < n; k += kBlock) {
    const Eigen::Index kb = std::min(kBlock, n - k);
    Eigen::Ref<Eigen::MatrixXd> a11 = a.block(k, k, kb, kb);
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> diagonal(a11);
    if (diagonal.info() != Eigen::Success) throw InvalidArgument("the Gram matrix is not positive definite");
    const Eigen::Index rest = n - k - kb;
    if (rest == 0) break;
    // A21 = A21 L11^-T, by row blocks.
    parallel_for(
        rest, kBlock,
        [&](const Chunk& c, int) {
          auto rows = a.block(k + kb + c.begin, k, c.end - c.begin, kb);
          a11.triangularView<Eigen::Lower>().transpose().solveInPlace<Eigen::OnTheRight>(rows);
        },
        cancel);
    const auto a21 = a.block(k + kb, k, rest, kb);
    // A22 -= A21 A21', the lower part, by column blocks.
    parallel_for(
        rest, kBlock,
        [&](const Chunk& c, int) {
          const Eigen::Index j = c.begin, jb = c.end - c.begin;
          a.block(k + kb + j, k + kb + j, rest - j, jb).noalias() -=
              a21.bottomRows(rest - j) * a21.middleRows(j, jb).transpose();
        },
        cancel);
  }
}

}  // namespace

void invert_spd(DenseMatrix& spd, CancelCheck& cancel) {
  Eigen::Map<Eigen::MatrixXd>& matrix = spd.matrix();
  const Eigen::Index n = matrix.rows();
  if (matrix.cols() != n) throw InvalidArgument("invert_spd needs a square matrix");
  cholesky_in_place(matrix, cancel);
  DenseMatrix inverse_matrix(n, n);
  Eigen::Map<Eigen::MatrixXd>& inverse = inverse_matrix.matrix();
  // Each block of columns of the inverse is solved on its own, L L' X = I,
  // one kBlock-row panel at a time, with a stop point per panel: a column
  // block costs n^2 * kBlock, too long to wait for at a cancel.
  parallel_for(
      n, kBlock,
      [&](const Chunk& c, int) {
        const Eigen::Index j = c.begin, jb = c.end - c.begin;
        auto x = inverse.middleCols(j, jb);
        x.block(j, 0, jb, jb).setIdentity();
        // Forward, L y = e: y is zero above row j.
        for (Eigen::Index r = j; r < n; r += kBlock) {
          const Eigen::Index rb = std::min(kBlock, n - r);
          if (r > j) x.middleRows(r, rb).noalias() -= matrix.block(r, j, rb, r - j) * x.middleRows(j, r - j);
          matrix.block(r, r, rb, rb).triangularView<Eigen::Lower>().solveInPlace(x.middleRows(r, rb));
          stop_point();
        }
        // Backward, L' x = y, from the last panel up.
        for (Eigen::Index end = n; end > 0; end -= std::min(kBlock, end)) {
          const Eigen::Index rb = std::min(kBlock, end), r = end - rb;
          if (end < n)
            x.middleRows(r, rb).noalias() -= matrix.block(end, r, n - end, rb).transpose() * x.middleRows(end, n - end);
          matrix.block(r, r, rb, rb).triangularView<Eigen::Lower>().transpose().solveInPlace(x.middleRows(r, rb));
          stop_point();
        }
      },
      cancel);
  spd.swap(inverse_matrix);
}

}  // namespace steam_rec::rec
