// Model image files: one per activated model and server, under
// $PGDATA/steam_rec, mapped read-only by every backend that serves the model,
// so its pages are shared through the OS page cache.
//
// A file is named after its key (database, models table, model id,
// trained_at) and holds the same key in its header; it is written once to a
// temporary name and renamed (cache_file_write.hpp), and never written again, so a mapping
// stays valid whatever happens to the name afterwards.  The model tables stay
// the source of truth: a missing, stale or corrupt file is rebuilt from them,
// and when it cannot be written the model is served from memory.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <memory>

#include "core/model_image.hpp"
#include "core/recommender.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Where one key's image and its helper files live.
struct ImageFiles {
  rec::ImageKey key;
  char image[MAXPGPATH];   // <dir>/<db>_<table>_<id>_<trained_at>.img
  char lock[MAXPGPATH];    // held while a backend builds the image
  char builds[MAXPGPATH];  // one line per build, for counting them
  char prefix[MAXPGPATH];  // the name shared by the three, without the directory

  explicit ImageFiles(const rec::ImageKey& key);
};

// What identifies the file a backend mapped: a change means it was replaced,
// truncated, rewritten or deleted.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long mtime_seconds = 0, mtime_nanoseconds = 0;
  long ctime_seconds = 0, ctime_nanoseconds = 0;  // no write or rename leaves it as it was
  bool operator==(const FileIdentity& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_seconds == o.mtime_seconds &&
           mtime_nanoseconds == o.mtime_nanoseconds && ctime_seconds == o.ctime_seconds &&
           ctime_nanoseconds == o.ctime_nanoseconds;
  }
};

// Maps the image file and validates it whole (header, key, bounds,
// checksum), or only its header when this server already validated the very
// same file (see model_image_file.cpp, "checked stamps"); on success *served
// ranks from the mapping, which is unmapped when the last reference goes,
// and *held is the file, left open for held_file_state() (the caller closes
// it).  A missing file returns false quietly; an unusable one is logged (LOG)
// with the reason and returns false.
bool map_image_file(const ImageFiles& files, std::shared_ptr<rec::Recommender>* served, FileIdentity* identity,
                    int* held);

// What became of a mapped file, kept open as `held`, since it had the
// identity `mapped`: one fstat() per call, with no path to look up.
//  - unchanged: the same bytes, still under a name;
//  - unlinked: deleted or replaced under its name, its bytes as they were
//    (size and modification time; a mapping of it stays intact);
//  - changed: written or truncated (a write moves the change time, which
//    cannot be set back), or it cannot be asked.
enum class HeldFile { unchanged, unlinked, changed };
HeldFile held_file_state(int held, const FileIdentity& mapped);

// The identity of the file `st` describes.
FileIdentity identity_of(const struct stat& st);

// The directory of every image and names file of this server, $PGDATA/steam_rec,
// named as the server names its own files: relative to the data directory,
// where every server process works (a standby's its own, and a base backup
// carries the directory along).  Every path below is then a few dozen bytes,
// whatever the data directory's length.
constexpr char kImageDirectory[] = "steam_rec";

// Keeps `fd` (or no file: -1) open in *held, closing the file held there
// before.  The server counts a kept file among the descriptors it may not use
// for its own files, as it does a connection kept open.
void hold_file(int* held, int fd);

// Takes the key's build lock, waiting (interruptibly) for a backend that
// holds it; the lock is released by release_build_lock() or when the
// transaction ends, and by the kernel if the backend dies.  Returns a file
// descriptor.
int take_build_lock(const ImageFiles& files);
void release_build_lock(int lock);

// Writes the image under a temporary name, renames it into place
// and counts the build; then removes the images of other models of this
// database and temporary files left by dead builders.  Returns false (with a
// LOG line saying why: disk full, permission) when the file could not be
// written, leaving nothing behind.
bool write_image_file(const ImageFiles& files, const unsigned char* image, std::size_t size);

// How many times this server built the key's image (lines of its build log).
int image_builds(const ImageFiles& files);

}  // namespace steam_rec::pg
