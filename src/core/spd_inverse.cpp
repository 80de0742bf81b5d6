#include "core/spd_inverse.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace steam_rec::rec {
namespace {

constexpr Eigen::Index kBlock = 128;

// Right-looking blocked Cholesky: afterwards the lower triangle holds L.
void cholesky_in_place(Eigen::MatrixXd& a, CancelCheck& cancel) {
  const Eigen::Index n = a.rows();
  for (Eigen::Index k = 0; k < n; k += kBlock) {
    const Eigen::Index kb = std::min(kBlock, n - k);
    Eigen::Ref<Eigen::MatrixXd> a11 = a.block(k, k, kb, kb);
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> diagonal(a11);
    if (diagonal.info() != Eigen::Success) throw InvalidArgument("the Gram matrix is not positive definite");
    const Eigen::Index rest = n - k - kb;
    if (rest == 0) break;
    auto a21 = a.block(k + kb, k, rest, kb);
    a11.triangularView<Eigen::Lower>().transpose().solveInPlace<Eigen::OnTheRight>(a21);
    for (Eigen::Index j = 0; j < rest; j += kBlock) {
      const Eigen::Index jb = std::min(kBlock, rest - j);
      a.block(k + kb + j, k + kb + j, rest - j, jb).noalias() -=
          a21.bottomRows(rest - j) * a21.middleRows(j, jb).transpose();
      cancel.poll_now();
    }
  }
}

}  // namespace

void invert_spd(Eigen::MatrixXd& matrix, CancelCheck& cancel) {
  const Eigen::Index n = matrix.rows();
  if (matrix.cols() != n) throw InvalidArgument("invert_spd needs a square matrix");
  cholesky_in_place(matrix, cancel);
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index j = 0; j < n; j += kBlock) {
    const Eigen::Index jb = std::min(kBlock, n - j);
    auto columns = inverse.middleCols(j, jb);
    columns.block(j, 0, jb, jb).setIdentity();
    // L x = e_j is zero above row j: solve only the part below.
    matrix.bottomRightCorner(n - j, n - j).triangularView<Eigen::Lower>().solveInPlace(columns.bottomRows(n - j));
    matrix.transpose().triangularView<Eigen::Upper>().solveInPlace(columns);
    cancel.poll_now();
  }
  matrix.swap(inverse);
}

}  // namespace steam_rec::rec
