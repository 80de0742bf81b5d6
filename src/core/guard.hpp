// guard(): the one place where C++ exceptions stop.
//
// Core work may throw (training, ranking, evaluation, reading parameters), so
// the glue runs each piece of it as guard([&] { ...body... }), and a few core
// entry points wrap their own body so.  Whatever the body throws -- our own
// errors, std::bad_alloc from Eigen, a cancellation, or something unknown --
// comes back as a Status, with all of the body's objects already destroyed.
#pragma once

#include <exception>
#include <new>

#include "core/cancel.hpp"
#include "core/errors.hpp"
#include "core/status.hpp"

namespace steam_rec {

template <typename Body>
Status guard(Body&& body) noexcept {
  try {
    body();
    return Status::success();
  } catch (const Cancelled&) {
    return Status::failure(StatusCode::cancelled, "canceling statement due to user request");
  } catch (const InvalidArgument& e) {
    return Status::failure(StatusCode::invalid_argument, e.what());
  } catch (const std::bad_alloc&) {
    return Status::failure(StatusCode::out_of_memory, "out of memory in the steam_rec core");
  } catch (const std::exception& e) {
    return Status::failure(StatusCode::internal, e.what());
  } catch (...) {
    return Status::failure(StatusCode::internal, "unknown C++ exception in the steam_rec core");
  }
}

}  // namespace steam_rec
