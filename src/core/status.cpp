#include "core/status.hpp"

#include <cstring>

namespace steam_rec {

Status Status::failure(StatusCode code, const char* message) noexcept {
  Status status;
  status.code = code;
  if (message != nullptr) {
    std::strncpy(status.message, message, kMessageSize - 1);
    status.message[kMessageSize - 1] = '\0';
  }
  return status;
}

}  // namespace steam_rec
