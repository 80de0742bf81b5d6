#include "core/dense_matrix.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <limits>
#include <new>
#include <utility>

namespace steam_rec::rec {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t matrix_bytes(Eigen::Index rows, Eigen::Index cols) {
  if (rows < 0 || cols < 0) throw std::bad_alloc();
  const auto r = static_cast<std::size_t>(rows), c = static_cast<std::size_t>(cols);
  if (c != 0 && r > (std::numeric_limits<std::size_t>::max() - kHugePage) / sizeof(double) / c) throw std::bad_alloc();
  return r * c * sizeof(double);
}

void* map_anonymous(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

}  // namespace

DenseMatrix::DenseMatrix(Eigen::Index rows, Eigen::Index cols) {
  const std::size_t bytes = matrix_bytes(rows, cols);
  if (bytes == 0) {
    new (&map_) Eigen::Map<Eigen::MatrixXd>(nullptr, rows, cols);
    return;
  }
  if (bytes < kHugePage) {
    mapped_bytes_ = bytes;
    mapping_ = map_anonymous(bytes);
  } else {
    // Mapped a huge page larger, then trimmed to start on a huge page
    // boundary: only aligned 2 MiB ranges can be given 2 MiB pages.
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    char* const raw = static_cast<char*>(map_anonymous(rounded + kHugePage));
    const auto address = reinterpret_cast<std::uintptr_t>(raw);
    char* const aligned = raw + ((kHugePage - address % kHugePage) % kHugePage);
    if (aligned > raw) munmap(raw, static_cast<std::size_t>(aligned - raw));
    char* const end = raw + rounded + kHugePage;
    if (end > aligned + rounded) munmap(aligned + rounded, static_cast<std::size_t>(end - (aligned + rounded)));
    mapping_ = aligned;
    mapped_bytes_ = rounded;
    // Only a hint: without transparent huge pages the mapping keeps 4 KiB ones.
    madvise(mapping_, mapped_bytes_, MADV_HUGEPAGE);
  }
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
  if (mapping_ != nullptr) munmap(mapping_, mapped_bytes_);
  mapping_ = nullptr;
  mapped_bytes_ = 0;
  new (&map_) Eigen::Map<Eigen::MatrixXd>(nullptr, 0, 0);
}

}  // namespace steam_rec::rec
