// Exceptions the core throws internally.  None of them ever leaves the core:
// every function the glue calls runs its body through guard() (guard.hpp).
#pragma once

#include <stdexcept>

namespace steam_rec {

// The caller's input is wrong; what() is the message the user will read.
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace steam_rec
