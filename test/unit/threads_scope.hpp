// Sets steam_rec's max_threads for one test (or one block) and restores it.
#pragma once

#include "core/parallel.hpp"

namespace steam_rec {

class Threads {
 public:
  explicit Threads(int n) : previous_(max_threads()) { set_max_threads(n); }
  ~Threads() { set_max_threads(previous_); }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;

 private:
  int previous_;
};

}  // namespace steam_rec
