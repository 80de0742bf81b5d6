// Inverse of a symmetric positive definite matrix that can be cancelled.
//
// Eigen's own LLT runs as one call that cannot be interrupted; on a few
// thousand games it takes seconds.  This blocked version polls the cancel
// check after every block, so a cancel is honoured within a fraction of a
// second.
#pragma once

#include "core/cancel.hpp"
#include "core/dense_matrix.hpp"

namespace steam_rec::rec {

// Replaces `matrix` (only its lower triangle is read) by its full inverse.
// Throws InvalidArgument if it is not positive definite.
void invert_spd(DenseMatrix& matrix, CancelCheck& cancel);

}  // namespace steam_rec::rec
