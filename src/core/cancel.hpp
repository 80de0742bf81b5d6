// Cooperative cancellation for long loops in the core.
//
// The glue passes a CancelCheck whose callback only reads the server's
// interrupt flags; the core polls it and, when asked to stop, throws
// Cancelled.  The guard (guard.hpp) turns that into StatusCode::cancelled
// after every C++ frame has unwound, and only then does the glue let the
// server process the interrupt.
#pragma once

#include <cstdint>

namespace steam_rec {

struct Cancelled {};

class CancelCheck {
 public:
  using Callback = bool (*)(void* context) noexcept;

  CancelCheck() noexcept = default;
  CancelCheck(Callback should_stop, void* context) noexcept : should_stop_(should_stop), context_(context) {}

  // Asks the callback every `every` calls, so hot loops can call this per item.
  void poll(std::uint32_t every = 1024) {
    if (should_stop_ == nullptr) return;
    if (++calls_ % every != 0) return;
    if (should_stop_(context_)) throw Cancelled{};
  }

  // Asks the callback now.
  void poll_now() {
    if (should_stop_ != nullptr && should_stop_(context_)) throw Cancelled{};
  }

 private:
  Callback should_stop_ = nullptr;
  void* context_ = nullptr;
  std::uint32_t calls_ = 0;
};

}  // namespace steam_rec
