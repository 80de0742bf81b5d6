#include "pg/cache_file_write.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

extern "C" {
#include "common/file_perm.h"
#include "miscadmin.h"
#include "storage/fd.h"
}

namespace steam_rec::pg {
namespace {

// Writes all bytes, retrying short writes; false with errno set on failure.
bool write_all(int fd, const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      if (written == 0) errno = ENOSPC;
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

// Asks the kernel to start writing the range out, without waiting (unless
// the server runs with fsync = off, as pg_flush_data() does).  Not
// pg_flush_data() itself, which reports a failure at data_sync_elevel (a
// PANIC by default) for what is only a cache; a failure here shows later,
// when a checked stamp waits for the data (model_image_file.cpp).
void start_writeback(int fd, std::size_t offset, std::size_t bytes) {
#if defined(SYNC_FILE_RANGE_WRITE)
  if (enableFsync)
    (void)sync_file_range(fd, static_cast<off_t>(offset), static_cast<off_t>(bytes), SYNC_FILE_RANGE_WRITE);
#else
  (void)fd, (void)offset, (void)bytes;
#endif
}

}  // namespace

bool write_temporary_file(const char* path, const unsigned char* bytes, std::size_t size, const char* what,
                          const char* consequence, char* temporary) {
  snprintf(temporary, kTemporaryPathBytes, "%s.%d.tmp", path, MyProcPid);
  unlink(temporary);  // debris of an earlier process with this pid
  const int fd = OpenTransientFilePerm(temporary, O_WRONLY | O_CREAT | O_EXCL | PG_BINARY, pg_file_create_mode);
  if (fd < 0) {
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not create %s \"%s\": %m", what, temporary),
                  errdetail("%s", consequence)));
    return false;
  }
  // 8 MiB at a time: a few ms each into the page cache.
  constexpr std::size_t kBytesPerWrite = 8u << 20;
  for (std::size_t done = 0; done < size; done += kBytesPerWrite) {
    if (QueryCancelPending || ProcDiePending) {
      CloseTransientFile(fd);
      unlink(temporary);
      CHECK_FOR_INTERRUPTS();
      return false;
    }
    const std::size_t piece = std::min(kBytesPerWrite, size - done);
    if (!write_all(fd, bytes + done, piece)) {
      const int saved = errno;
      CloseTransientFile(fd);
      unlink(temporary);
      errno = saved;
      ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not write %s \"%s\": %m", what, temporary),
                    errdetail("%s", consequence)));
      return false;
    }
    start_writeback(fd, done, piece);
  }
  if (CloseTransientFile(fd) != 0) {
    const int saved = errno;
    unlink(temporary);
    errno = saved;
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not close %s \"%s\": %m", what, temporary),
                  errdetail("%s", consequence)));
    return false;
  }
  return true;
}

bool rename_into_place(const char* temporary, const char* path, const char* consequence) {
  if (rename(temporary, path) == 0) return true;
  ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not rename \"%s\" to \"%s\": %m", temporary, path),
                errdetail("%s", consequence)));
  unlink(temporary);
  return false;
}

}  // namespace steam_rec::pg
