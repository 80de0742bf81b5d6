// The games one ranking call has given a score, each once, in the order first
// met: what the call walks to select and what it clears when it ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace steam_rec::rec {

class TouchedGames {
 public:
  // Room for every one of `games` (and one slot more, see append_unless).
  void allocate(std::size_t games) {
    slots_.assign(games + 1, 0);
    count_ = 0;
  }
  // Appends `game` unless `seen`.  Writes its slot either way and counts it
  // only when new: summing a stored list then takes no branch per element on
  // whether the game was met before, which a processor guesses wrong about as
  // often as right (the first lists touch mostly new games, later ones mostly
  // met ones).  The slot past the last game makes the write safe when all are
  // listed.
  void append_unless(bool seen, std::int32_t game) {
    slots_[count_] = game;
    count_ += seen ? 0 : 1;
  }
  // The same as append_unless, for a hot loop that keeps the count in a
  // register: the slots to write, and the count to write back (set_count).
  std::int32_t* slots() { return slots_.data(); }
  std::size_t count() const { return count_; }
  void set_count(std::size_t count) { count_ = count; }
  void clear() { count_ = 0; }

  const std::int32_t* begin() const { return slots_.data(); }
  const std::int32_t* end() const { return slots_.data() + count_; }
  std::size_t capacity_bytes() const { return slots_.capacity() * sizeof(std::int32_t); }

 private:
  std::vector<std::int32_t> slots_;
  std::size_t count_ = 0;
};

}  // namespace steam_rec::rec
