// A dense matrix of doubles (column-major, zeroed) in a memory mapping of
// its own (mapped_memory.hpp): 2 MiB pages when it is large, returned to the
// kernel when destroyed.  EASE's Gram matrix and its inverse over 5,000
// games are 200 MB each: about 100,000 first writes to 4 KiB pages a
// training.
#pragma once

#include <Eigen/Dense>
#include <cstddef>

namespace steam_rec::rec {

class DenseMatrix {
 public:
  // Throws std::bad_alloc when the mapping cannot be made.
  DenseMatrix(Eigen::Index rows, Eigen::Index cols);
  ~DenseMatrix();
  DenseMatrix(DenseMatrix&& other) noexcept;
  DenseMatrix& operator=(DenseMatrix&& other) noexcept;
  DenseMatrix(const DenseMatrix&) = delete;
  DenseMatrix& operator=(const DenseMatrix&) = delete;

  Eigen::Map<Eigen::MatrixXd>& matrix() { return map_; }
  Eigen::Index rows() const { return map_.rows(); }
  Eigen::Index cols() const { return map_.cols(); }
  double& operator()(Eigen::Index i, Eigen::Index j) { return map_(i, j); }

  void swap(DenseMatrix& other) noexcept;

 private:
  void release() noexcept;

  void* mapping_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  Eigen::Map<Eigen::MatrixXd> map_{nullptr, 0, 0};
};

}  // namespace steam_rec::rec
