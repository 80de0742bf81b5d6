#include "core/dense_matrix.hpp"

#include <limits>
#include <new>
#include <utility>

#include "core/mapped_memory.hpp"

namespace steam_rec::rec {
namespace {

std::size_t matrix_bytes(Eigen::Index rows, Eigen::Index cols) {
  if (rows < 0 || cols < 0) throw std::bad_alloc();
  const auto r = static_cast<std::size_t>(rows), c = static_cast<std::size_t>(cols);
  if (c != 0 && r > std::numeric_limits<std::size_t>::max() / 4 / sizeof(double) / c) throw std::bad_alloc();
  return r * c * sizeof(double);
}

}  // namespace

DenseMatrix::DenseMatrix(Eigen::Index rows, Eigen::Index cols) {
  const std::size_t bytes = matrix_bytes(rows, cols);
  if (bytes == 0) {
    new (&map_) Eigen::Map<Eigen::MatrixXd>(nullptr, rows, cols);
    return;
  }
  mapping_ = map_block(bytes);
  mapped_bytes_ = bytes;
  new (&map_) Eigen::Map<Eigen::MatrixXd>(static_cast<double*>(mapping_), rows, cols);
}

DenseMatrix::~DenseMatrix() { release(); }

DenseMatrix::DenseMatrix(DenseMatrix&& other) noexcept { swap(other); }

DenseMatrix& DenseMatrix::operator=(DenseMatrix&& other) noexcept {
  if (this != &other) {
    release();
    swap(other);
  }
  return *this;
}

void DenseMatrix::swap(DenseMatrix& other) noexcept {
  std::swap(mapping_, other.mapping_);
  std::swap(mapped_bytes_, other.mapped_bytes_);
  const Eigen::Index rows = map_.rows(), cols = map_.cols();
  double* const data = map_.data();
  // A Map is re-pointed by constructing it again in place (Eigen's way).
  new (&map_) Eigen::Map<Eigen::MatrixXd>(other.map_.data(), other.map_.rows(), other.map_.cols());
  new (&other.map_) Eigen::Map<Eigen::MatrixXd>(data, rows, cols);
}

void DenseMatrix::release() noexcept {
  unmap_block(mapping_, mapped_bytes_);
  mapping_ = nullptr;
  mapped_bytes_ = 0;
  new (&map_) Eigen::Map<Eigen::MatrixXd>(nullptr, 0, 0);
}

}  // namespace steam_rec::rec
