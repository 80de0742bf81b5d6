#include "pg/model_image_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/guard.hpp"
#include "pg/cache_file_write.hpp"

extern "C" {
#include "common/file_perm.h"
#include "storage/fd.h"
#include "utils/syscache.h"
}

namespace steam_rec::pg {
namespace {

// A mapping of an image file, unmapped when the last Recommender reading it
// (and the last call pinning that Recommender) is gone.
class MappedImage {
 public:
  MappedImage(void* address, std::size_t bytes) : address_(address), bytes_(bytes) {}
  MappedImage(const MappedImage&) = delete;
  MappedImage& operator=(const MappedImage&) = delete;
  ~MappedImage() { munmap(address_, bytes_); }

 private:
  void* address_;
  std::size_t bytes_;
};

}  // namespace

FileIdentity identity_of(const struct stat& st) {
  FileIdentity identity;
  identity.device = st.st_dev;
  identity.inode = st.st_ino;
  identity.size = st.st_size;
  identity.mtime_seconds = st.st_mtim.tv_sec;
  identity.mtime_nanoseconds = st.st_mtim.tv_nsec;
  identity.ctime_seconds = st.st_ctim.tv_sec;
  identity.ctime_nanoseconds = st.st_ctim.tv_nsec;
  return identity;
}

namespace {

// Checked stamps.  Checking an image whole (checksum and every bound) reads
// all of it, about 1 ms per 10 MiB: most of a fresh backend's first call.
// The first backend that checks a file whole, once its data is on disk,
// leaves an empty stamp named after the file's identity (device, inode,
// size, change time) and the machine's boot; a backend that finds the stamp
// of the file it opened checks only the header.  Any write to the image, its
// truncation or its replacement changes that identity (the change time moves
// on every write and cannot be set back), so a stamp never vouches for bytes
// nobody checked; after a machine crash the boot differs, and every file is
// checked whole again.  The change time advances in clock ticks, so a file is
// stamped only when its last change is older than kStampAfterSeconds: a write
// in the tick of the check must still show.
constexpr long kStampAfterSeconds = 2;

// The kernel's id of this boot of the machine, read once; empty when it
// cannot be read, and then no stamp is left or trusted.
const char* boot_id() {
  static char id[40];
  static bool read_once = false;
  if (!read_once) {
    read_once = true;
    const int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    const ssize_t got = fd >= 0 ? read(fd, id, sizeof id - 1) : -1;
    if (fd >= 0) close(fd);
    std::size_t length = got > 0 ? static_cast<std::size_t>(got) : 0;
    while (length > 0 && id[length - 1] == '\n') --length;
    id[length] = '\0';
    for (std::size_t i = 0; i < length; ++i)
      if (!isxdigit(static_cast<unsigned char>(id[i])) && id[i] != '-') id[0] = '\0';  // not a file name part
  }
  return id;
}

// False when stamps cannot be used (no boot id).
bool stamp_path(const ImageFiles& files, const FileIdentity& id, char* path, std::size_t size) {
  if (boot_id()[0] == '\0') return false;
  snprintf(path, size, "%s/%s.checked-%s-%llx-%llx-%lld-%ld.%09ld", kImageDirectory, files.prefix, boot_id(),
           static_cast<unsigned long long>(id.device), static_cast<unsigned long long>(id.inode),
           static_cast<long long>(id.size), id.ctime_seconds, id.ctime_nanoseconds);
  return true;
}

bool has_stamp(const ImageFiles& files, const FileIdentity& id) {
  char path[MAXPGPATH * 2];
  struct stat st;
  return stamp_path(files, id, path, sizeof path) && stat(path, &st) == 0;
}

// Removes the key's stamps left in other boots of the machine (or before
// stamps named their boot): none can match any more.  Plain readdir: this
// runs while the caller holds a raw mapping, where an ERROR would leak it.
void remove_stamps_of_other_boots(const ImageFiles& files) {
  if (boot_id()[0] == '\0') return;
  char ours[MAXPGPATH + 64], path[MAXPGPATH * 2];
  const int stamps = snprintf(ours, sizeof ours, "%s.checked-", files.prefix);
  snprintf(ours + stamps, sizeof ours - stamps, "%s-", boot_id());
  DIR* dir = opendir(kImageDirectory);
  if (dir == nullptr) return;
  while (const struct dirent* entry = readdir(dir)) {
    const char* name = entry->d_name;
    if (strncmp(name, ours, static_cast<std::size_t>(stamps)) != 0 || strncmp(name, ours, strlen(ours)) == 0) continue;
    snprintf(path, sizeof path, "%s/%s", kImageDirectory, name);
    unlink(path);
  }
  closedir(dir);
}

enum class DiskState { on_disk, not_yet, failed };

// Waits until the file's data is on disk, 8 MiB at a time with a look at the
// interrupt flags between pieces (not_yet when one is pending: the caller
// goes on without a stamp, and the call serves the interrupt at its next
// check).  The writer started the writeback of every piece, so this mostly
// finds it done.  With fsync = off the server trusts the disk without
// waiting, and so does this.
DiskState wait_until_on_disk(int fd, off_t size) {
  if (!enableFsync) return DiskState::on_disk;
  constexpr off_t kBytesPerWait = 8 << 20;
  for (off_t done = 0; done < size; done += kBytesPerWait) {
    if (QueryCancelPending || ProcDiePending) return DiskState::not_yet;
#if defined(SYNC_FILE_RANGE_WAIT_AFTER)
    if (sync_file_range(fd, done, std::min(kBytesPerWait, size - done),
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0)
      return errno == EINTR ? DiskState::not_yet : DiskState::failed;
#endif
  }
  return fdatasync(fd) == 0 ? DiskState::on_disk : DiskState::failed;
}

// Removes the image at its path if it is still the file at `fd` (another
// backend may have built a new one there meanwhile).
void remove_if_same_file(const ImageFiles& files, int fd) {
  struct stat at_path, held;
  if (stat(files.image, &at_path) == 0 && fstat(fd, &held) == 0 && at_path.st_dev == held.st_dev &&
      at_path.st_ino == held.st_ino)
    unlink(files.image);
}

// Stamps the file at `fd` as checked whole when it is still the file
// `checked`, its last change is old enough, and its data is on disk: the
// stamp outlives the page cache, and bytes the kernel failed to write back
// must not be trusted unchecked later.  False when the data could not be
// written back: the file is then removed (logged) and must not be served.
// Any other reason for no stamp only costs later backends a whole check.
bool leave_stamp(const ImageFiles& files, int fd, const FileIdentity& checked) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !(identity_of(st) == checked)) return true;
  if (static_cast<long>(time(nullptr)) - checked.ctime_seconds < kStampAfterSeconds) return true;
  char path[MAXPGPATH * 2];
  if (!stamp_path(files, checked, path, sizeof path)) return true;
  const DiskState disk = wait_until_on_disk(fd, checked.size);
  if (disk == DiskState::not_yet) return true;
  if (disk == DiskState::failed) {
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not sync model image \"%s\": %m", files.image),
                  errdetail("The file is removed and built again.")));
    remove_if_same_file(files, fd);
    return false;
  }
  const int stamp = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, pg_file_create_mode);
  if (stamp >= 0) close(stamp);
  remove_stamps_of_other_boots(files);
  return true;
}

bool ends_with(const char* name, const char* suffix) {
  const std::size_t n = strlen(name), s = strlen(suffix);
  return n >= s && strcmp(name + n - s, suffix) == 0;
}

// Whether the builder that named a temporary file "<prefix>.<pid>.tmp" is
// gone, so the file is debris of a crash.
bool builder_is_gone(const char* name) {
  const char* end = name + strlen(name) - strlen(".tmp");
  const char* dot = end;
  while (dot > name && dot[-1] != '.') --dot;
  const long pid = strtol(dot, nullptr, 10);
  if (pid <= 0) return true;
  return pid != MyProcPid && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Whether the file `name` is an image's (or its lock's, build log's, stamp's
// or temporary file's) of this database or of one that no longer exists:
// "<db>_<table>_...".  The names files beside them ("<db>_names...") are
// catalog_names_file.cpp's to remove; their lock is kept while unheld.
bool ours_or_orphaned(const char* name, Oid database) {
  char* end = nullptr;
  const unsigned long oid = strtoul(name, &end, 10);
  if (end == name || end[0] != '_' || !isdigit(static_cast<unsigned char>(end[1]))) return false;
  return oid == database || !SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(static_cast<Oid>(oid)));
}

// The trained_at of an image file's model: the last number of its name
// ("<db>_<table>_<id>_<trained_at>.<suffix>").
long long trained_at_of(const char* name) {
  const char* dot = strchr(name, '.');
  const char* end = dot != nullptr ? dot : name + strlen(name);
  const char* underscore = end;
  while (underscore > name && underscore[-1] != '_') --underscore;
  return strtoll(underscore, nullptr, 10);
}

// Removes the images of this database's older models and of dropped
// databases, their build logs, unheld locks, and temporary files whose
// builders died.  Only older ones: a backend whose snapshot still sees an
// older model must not remove the newer active one's image.  A backend still
// mapping a removed image keeps reading it: the file lives until unmapped.
void remove_other_files(const ImageFiles& files) {
  char own[MAXPGPATH], path[MAXPGPATH * 2];
  snprintf(own, sizeof own, "%s.", files.prefix);
  DIR* dir = AllocateDir(kImageDirectory);
  struct dirent* entry;
  while ((entry = ReadDirExtended(dir, kImageDirectory, LOG)) != nullptr) {
    const char* name = entry->d_name;
    if (!ours_or_orphaned(name, files.key.database)) continue;
    snprintf(path, sizeof path, "%s/%s", kImageDirectory, name);
    const bool mine = strncmp(name, own, strlen(own)) == 0;
    if (ends_with(name, ".tmp")) {
      if (builder_is_gone(name)) unlink(path);
    } else if (mine && strstr(name, ".checked-") != nullptr) {
      unlink(path);  // stamps a file this build replaced; the new one is too fresh to have any
    } else if (mine || (strtoul(name, nullptr, 10) == files.key.database &&
                        trained_at_of(name) > static_cast<long long>(files.key.trained_at))) {
      continue;
    } else if (ends_with(name, ".img") || ends_with(name, ".builds") || strstr(name, ".checked-") != nullptr) {
      unlink(path);
    } else if (ends_with(name, ".lock")) {
      const int fd = open(path, O_RDWR | O_CLOEXEC);
      if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) unlink(path);
      if (fd >= 0) close(fd);
    }
  }
  FreeDir(dir);
}

}  // namespace

// The longest names: the directory, two numbers of at most 10 digits and two
// of at most 20 (with a sign), the separators and ".builds".
constexpr std::size_t kLongestPrefix = 10 + 1 + 10 + 1 + 20 + 1 + 20;
static_assert(sizeof kImageDirectory + kLongestPrefix + sizeof ".builds" <= MAXPGPATH,
              "an image file's name may be cut");

ImageFiles::ImageFiles(const rec::ImageKey& image_key) : key(image_key) {
  snprintf(prefix, sizeof prefix, "%u_%u_%lld_%lld", key.database, key.models_table,
           static_cast<long long>(key.model_id), static_cast<long long>(key.trained_at));
  snprintf(image, sizeof image, "%s/%s.img", kImageDirectory, prefix);
  snprintf(lock, sizeof lock, "%s/%s.lock", kImageDirectory, prefix);
  snprintf(builds, sizeof builds, "%s/%s.builds", kImageDirectory, prefix);
}

void hold_file(int* held, int fd) {
  if (*held >= 0) {
    close(*held);
    ReleaseExternalFD();
  }
  if (fd >= 0) ReserveExternalFD();
  *held = fd;
}

HeldFile held_file_state(int held, const FileIdentity& mapped) {
  struct stat st;
  if (held < 0 || fstat(held, &st) != 0) return HeldFile::changed;
  const FileIdentity now = identity_of(st);
  if (st.st_nlink > 0) return now == mapped ? HeldFile::unchanged : HeldFile::changed;
  // Unlinking moves the change time too: the bytes are judged by the rest.
  const bool same_bytes = now.device == mapped.device && now.inode == mapped.inode && now.size == mapped.size &&
                          now.mtime_seconds == mapped.mtime_seconds &&
                          now.mtime_nanoseconds == mapped.mtime_nanoseconds;
  return same_bytes ? HeldFile::unlinked : HeldFile::changed;
}

bool map_image_file(const ImageFiles& files, std::shared_ptr<rec::Recommender>* served, FileIdentity* identity,
                    int* held) {
  const int fd = open(files.image, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      ereport(LOG,
              (errcode_for_file_access(), errmsg("steam_rec: could not open model image \"%s\": %m", files.image)));
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    close(fd);
    ereport(LOG, (errmsg("steam_rec: model image \"%s\" is empty; rebuilding it", files.image)));
    return false;
  }
  const FileIdentity opened = identity_of(st);
  const bool checked = has_stamp(files, opened);
  const auto bytes = static_cast<std::size_t>(st.st_size);
  // MAP_POPULATE for a whole check, which reads every page anyway: one pass
  // over the page table is cheaper than a fault per page.  A checked file's
  // pages are faulted in as ranking reads them.
  void* address = mmap(nullptr, bytes, PROT_READ, MAP_SHARED | (checked ? 0 : MAP_POPULATE), fd, 0);
  if (address == MAP_FAILED) {
    close(fd);
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not map model image \"%s\": %m", files.image)));
    return false;
  }
  rec::ModelView view;
  Status status = checked ? rec::open_checked_model_image(address, bytes, &files.key, &view)
                          : rec::open_model_image(address, bytes, &files.key, &view);
  if (status.ok() && !checked && !leave_stamp(files, fd, opened))
    status = Status::failure(StatusCode::invalid_argument, "its data could not be written to disk");
  if (status.ok()) {
    std::shared_ptr<MappedImage> mapping;
    status = guard([&] {
      mapping = std::make_shared<MappedImage>(address, bytes);
      address = nullptr;  // the mapping owns it now
      *served = std::make_shared<rec::Recommender>(mapping, view);
    });
  }
  if (!status.ok()) {
    if (address != nullptr) munmap(address, bytes);
    close(fd);
    ereport(LOG, (errmsg("steam_rec: model image \"%s\" is not used: %s; rebuilding it", files.image, status.message)));
    return false;
  }
  *identity = opened;
  *held = fd;
  return true;
}

int take_build_lock(const ImageFiles& files) {
  if (MakePGDirectory(kImageDirectory) != 0 && errno != EEXIST) {
    ereport(LOG,
            (errcode_for_file_access(), errmsg("steam_rec: could not create directory \"%s\": %m", kImageDirectory)));
    return -1;
  }
  const int fd = OpenTransientFilePerm(files.lock, O_RDWR | O_CREAT | PG_BINARY, pg_file_create_mode);
  if (fd < 0) {
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not open \"%s\": %m", files.lock)));
    return -1;
  }
  // Polled, so a cancel or termination is served while another backend builds.
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not lock \"%s\": %m", files.lock)));
      CloseTransientFile(fd);
      return -1;
    }
    pg_usleep(2000L);
    CHECK_FOR_INTERRUPTS();
  }
  return fd;
}

void release_build_lock(int lock) {
  if (lock >= 0) CloseTransientFile(lock);
}

bool write_image_file(const ImageFiles& files, const unsigned char* image, std::size_t size) {
  char temporary[kTemporaryPathBytes];
  constexpr const char* kFallback = "The model is served from this backend's memory.";
  if (!write_temporary_file(files.image, image, size, "model image", kFallback, temporary)) return false;
  // Counted before the rename: a backend that maps the file the moment it
  // appears must already see its build counted.
  const int log = open(files.builds, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, pg_file_create_mode);
  if (log >= 0) {
    char line[32];
    const int length = snprintf(line, sizeof line, "%d\n", MyProcPid);
    if (write(log, line, static_cast<std::size_t>(length)) != length) { /* the count is informative only */
    }
    close(log);
  }
  if (!rename_into_place(temporary, files.image, kFallback)) return false;
  remove_other_files(files);
  return true;
}

int image_builds(const ImageFiles& files) {
  const int fd = open(files.builds, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int lines = 0;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof buffer)) > 0)
    for (ssize_t i = 0; i < got; ++i) lines += buffer[i] == '\n';
  close(fd);
  return lines;
}

}  // namespace steam_rec::pg
