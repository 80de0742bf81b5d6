#include "pg/catalog_names_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pg/cache_file_write.hpp"
#include "pg/column_types.hpp"
#include "pg/direct_read.hpp"
#include "pg/model_image_file.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/file_perm.h"
#include "executor/tuptable.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace steam_rec::pg {
namespace {

// Rows read between two looks at the interrupt flags while building.
constexpr int kInterruptEvery = 4096;

// The names file this backend maps; one at a time.
struct MappedNames {
  bool mapped = false;
  rec::NamesStamp stamp;
  char path[MAXPGPATH] = {};
  void* address = nullptr;
  std::size_t bytes = 0;
  FileIdentity identity;
  int held = -1;  // the file, kept open: checking it is one fstat()
  rec::NamesView view;
};
MappedNames shared;

// Seven numbers of at most 20 digits (with a sign) and their separators.
static_assert(sizeof kImageDirectory + 7 * (20 + 1) + sizeof "_names.names" <= MAXPGPATH,
              "a names file's name may be cut");

void names_path(const rec::NamesStamp& s, char* path) {
  snprintf(path, MAXPGPATH, "%s/%u_names_%u_%u_%u_%lld_%u_%u.names", kImageDirectory, s.database, s.catalog_table,
           s.catalog_file, s.counter_table, static_cast<long long>(s.changes), s.writer, s.trigger_version);
}

void unmap_names() {
  if (shared.mapped) munmap(shared.address, shared.bytes);
  hold_file(&shared.held, -1);
  shared.mapped = false;
  shared.address = nullptr;
  shared.bytes = 0;
}

// Maps and checks the file at `path` for `stamp`.  Returns 1 when mapped,
// 0 when there is no file, -1 when the file is unusable (logged).
int map_names(const rec::NamesStamp& stamp, const char* path) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not open names file \"%s\": %m", path)));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    close(fd);
    ereport(LOG, (errmsg("steam_rec: names file \"%s\" is empty; rebuilding it", path)));
    return -1;
  }
  const auto bytes = static_cast<std::size_t>(st.st_size);
  // Populated: the check reads every page anyway.
  void* address = mmap(nullptr, bytes, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (address == MAP_FAILED) {
    close(fd);
    ereport(LOG, (errcode_for_file_access(), errmsg("steam_rec: could not map names file \"%s\": %m", path)));
    return -1;
  }
  rec::NamesView view;
  const Status status = rec::open_names_image(address, bytes, stamp, &view);
  if (!status.ok()) {
    munmap(address, bytes);
    close(fd);
    ereport(LOG, (errmsg("steam_rec: names file \"%s\" is not used: %s; rebuilding it", path, status.message)));
    return -1;
  }
  shared.mapped = true;
  shared.stamp = stamp;
  strlcpy(shared.path, path, sizeof shared.path);
  shared.address = address;
  shared.bytes = bytes;
  shared.identity = identity_of(st);
  hold_file(&shared.held, fd);
  shared.view = view;
  return 1;
}

// Every catalog row the active snapshot sees: appids sorted, names palloc'd
// (nullptr for NULL).  False when the columns are not the expected ones.
bool read_whole_catalog(Oid catalog_cache, int32** appids_out, char*** names_out, int* count_out) {
  Relation heap = table_open(catalog_cache, AccessShareLock);
  const int appid_column = scanned_column(RelationGetDescr(heap), "appid", INT4OID);
  const int name_column = scanned_column(RelationGetDescr(heap), "name", TEXTOID);
  if (appid_column == 0 || name_column == 0) {
    table_close(heap, AccessShareLock);
    return false;
  }
  int count = 0, capacity = 1024;
  auto* appids = static_cast<int32*>(palloc(sizeof(int32) * capacity));
  auto** names = static_cast<char**>(palloc(sizeof(char*) * capacity));
  TableScanDesc scan = table_beginscan(heap, GetActiveSnapshot(), 0, nullptr);
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  bool usable = true;
  while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
    if (count % kInterruptEvery == 0) CHECK_FOR_INTERRUPTS();
    if (count == capacity) {
      capacity *= 2;
      appids = static_cast<int32*>(repalloc_huge(appids, sizeof(int32) * capacity));
      names = static_cast<char**>(repalloc_huge(names, sizeof(char*) * capacity));
    }
    bool is_null = true;
    const Datum appid = slot_getattr(slot, appid_column, &is_null);
    if (is_null) usable = false;  // the primary key allows none; a file could not say it
    appids[count] = is_null ? 0 : DatumGetInt32(appid);
    const Datum name = slot_getattr(slot, name_column, &is_null);
    names[count] = is_null ? nullptr : TextDatumGetCString(name);
    ++count;
  }
  table_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);
  table_close(heap, AccessShareLock);
  // Sorted by appid through an order of positions, names following.
  auto* order = static_cast<int*>(palloc(sizeof(int) * (count > 0 ? count : 1)));
  for (int i = 0; i < count; ++i) order[i] = i;
  std::sort(order, order + count, [&](int a, int b) { return appids[a] < appids[b]; });
  auto* sorted_appids = static_cast<int32*>(palloc(sizeof(int32) * (count > 0 ? count : 1)));
  auto** sorted_names = static_cast<char**>(palloc(sizeof(char*) * (count > 0 ? count : 1)));
  for (int i = 0; i < count; ++i) {
    sorted_appids[i] = appids[order[i]];
    sorted_names[i] = names[order[i]];
  }
  *appids_out = sorted_appids;
  *names_out = sorted_names;
  *count_out = count;
  return usable;
}

// Whether `stamp`'s count is the one the latest committed state of
// catalog_changes holds.  A snapshot older than that (a REPEATABLE READ
// transaction, a long query) may not build its state's file: the build
// removes the newest state's file, which every other backend serves and
// would build again at its next call, and so on at every call of each.
bool stamp_is_latest(const rec::NamesStamp& stamp) {
  if (IsInParallelMode()) return false;  // no new snapshot may be taken there
  Relation heap = table_open(stamp.counter_table, AccessShareLock);
  const int column = scanned_column(RelationGetDescr(heap), "changes", INT8OID);
  bool latest = false;
  int rows = 0;
  if (column > 0) {
    Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
    TableScanDesc scan = table_beginscan(heap, snapshot, 0, nullptr);
    TupleTableSlot* slot = table_slot_create(heap, nullptr);
    while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
      ++rows;
      bool is_null = true;
      const Datum changes = slot_getattr(slot, column, &is_null);
      bool should_free = false;
      HeapTuple tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
      latest = !is_null && DatumGetInt64(changes) == stamp.changes &&
               HeapTupleHeaderGetRawXmin(tuple->t_data) == stamp.writer;
      if (should_free) heap_freetuple(tuple);
    }
    table_endscan(scan);
    ExecDropSingleTupleTableSlot(slot);
    UnregisterSnapshot(snapshot);
  }
  table_close(heap, AccessShareLock);
  return latest && rows == 1;
}

bool ends_with(const char* name, const char* suffix) {
  const std::size_t n = strlen(name), s = strlen(suffix);
  return n >= s && strcmp(name + n - s, suffix) == 0;
}

// Whether `name` is a names file, lock or temporary file ("<oid>_names...")
// of a database that no longer exists.
bool of_dropped_database(const char* name) {
  char* end = nullptr;
  const unsigned long oid = strtoul(name, &end, 10);
  if (end == name || strncmp(end, "_names", strlen("_names")) != 0 || oid == MyDatabaseId) return false;
  return !SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(static_cast<Oid>(oid)));
}

// Removes this database's names files of other catalog states, temporary
// ones whose builders died, and every names file of dropped databases.  A backend still mapping a removed
// file keeps reading it; one whose snapshot still sees an older state
// reads its names itself (stamp_is_latest()).
void remove_other_names_files(const char* kept) {
  char prefix[64], path[MAXPGPATH * 2];
  snprintf(prefix, sizeof prefix, "%u_names_", MyDatabaseId);
  DIR* dir = AllocateDir(kImageDirectory);
  struct dirent* entry;
  while ((entry = ReadDirExtended(dir, kImageDirectory, LOG)) != nullptr) {
    const char* name = entry->d_name;
    snprintf(path, sizeof path, "%s/%s", kImageDirectory, name);
    if (of_dropped_database(name)) {
      unlink(path);
      continue;
    }
    if (strncmp(name, prefix, strlen(prefix)) != 0) continue;
    if (strcmp(path, kept) == 0) continue;
    if (ends_with(name, ".names")) {
      unlink(path);
    } else if (ends_with(name, ".tmp")) {
      // "<file>.<pid>.tmp"
      const char* end = name + strlen(name) - strlen(".tmp");
      const char* dot = end;
      while (dot > name && dot[-1] != '.') --dot;
      const long pid = strtol(dot, nullptr, 10);
      if (pid > 0 && pid != MyProcPid && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) unlink(path);
    }
  }
  FreeDir(dir);
}

// Writes `bytes` to a temporary file and renames it to `path`.  False
// (logged) when it could not, leaving nothing behind.
bool write_names_file(const char* path, const unsigned char* bytes, std::size_t size) {
  char temporary[kTemporaryPathBytes];
  constexpr const char* kFallback = "The names are read from steam_rec.catalog_cache.";
  return write_temporary_file(path, bytes, size, "names file", kFallback, temporary) &&
         rename_into_place(temporary, path, kFallback);
}

// Builds the file of `stamp` at `path` from the catalog the active snapshot
// sees, unless another backend is building one (then false at once: this
// call reads its names itself rather than wait).
bool build_names_file(const rec::NamesStamp& stamp, Oid catalog_cache, const char* path) {
  char lock_path[MAXPGPATH];
  if (MakePGDirectory(kImageDirectory) != 0 && errno != EEXIST) {
    ereport(LOG,
            (errcode_for_file_access(), errmsg("steam_rec: could not create directory \"%s\": %m", kImageDirectory)));
    return false;
  }
  snprintf(lock_path, sizeof lock_path, "%s/%u_names.lock", kImageDirectory, MyDatabaseId);
  // A transient file: closed (and unlocked) by an error's abort as well.
  const int lock = OpenTransientFilePerm(lock_path, O_RDWR | O_CREAT | PG_BINARY, pg_file_create_mode);
  if (lock < 0) return false;
  if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
    CloseTransientFile(lock);
    return false;
  }
  int32* appids = nullptr;
  char** names = nullptr;
  int count = 0;
  bool built = read_whole_catalog(catalog_cache, &appids, &names, &count);
  if (built) {
    const std::size_t size = rec::names_image_size(names, static_cast<std::size_t>(count));
    bool fits = size <= MaxAllocHugeSize;
    auto* bytes = fits ? static_cast<unsigned char*>(MemoryContextAllocHuge(CurrentMemoryContext, size)) : nullptr;
    const Status status =
        fits ? rec::build_names_image(stamp, appids, names, static_cast<std::size_t>(count), bytes, size)
             : Status::failure(StatusCode::invalid_argument, "the catalog's names are too big");
    if (!status.ok()) ereport(LOG, (errmsg("steam_rec: no names file for the catalog: %s", status.message)));
    built = status.ok() && write_names_file(path, bytes, size);
    if (bytes != nullptr) pfree(bytes);
  }
  if (built) remove_other_names_files(path);
  CloseTransientFile(lock);
  return built;
}

}  // namespace

bool names_from_shared_file(const rec::NamesStamp& stamp, Oid catalog_cache, const int32* appids, int count,
                            char** names) {
  // The file this backend maps is used while it is still the state's file,
  // unchanged and under its name: a replacement, a deletion, a write or a
  // truncation shows in the file it holds open (held_file_state()).
  if (shared.mapped && !(shared.stamp == stamp && held_file_state(shared.held, shared.identity) == HeldFile::unchanged))
    unmap_names();
  if (!shared.mapped) {
    char path[MAXPGPATH];
    names_path(stamp, path);
    int mapped = map_names(stamp, path);
    if (mapped <= 0) {
      if (!stamp_is_latest(stamp) || !build_names_file(stamp, catalog_cache, path)) return false;
      mapped = map_names(stamp, path);
    }
    if (mapped <= 0) return false;
  }
  int not_stored = 0;
  for (int i = 0; i < count; ++i) {
    const char* name = nullptr;
    const rec::NamesView::Found found = shared.view.find(appids[i], &name);
    names[i] = found == rec::NamesView::Found::name ? const_cast<char*>(name) : nullptr;
    if (found == rec::NamesView::Found::not_stored) ++not_stored;
  }
  if (not_stored > 0) {
    // Names too long for the file, read from their rows.
    auto* missing = static_cast<int32*>(palloc(sizeof(int32) * not_stored));
    auto* missing_at = static_cast<int*>(palloc(sizeof(int) * not_stored));
    int m = 0;
    for (int i = 0; i < count; ++i) {
      const char* name = nullptr;
      if (shared.view.find(appids[i], &name) == rec::NamesView::Found::not_stored) {
        missing[m] = appids[i];
        missing_at[m++] = i;
      }
    }
    auto** read = static_cast<char**>(palloc(sizeof(char*) * not_stored));
    read_catalog_names(catalog_cache, missing, not_stored, read, false);
    for (int j = 0; j < not_stored; ++j) names[missing_at[j]] = read[j];
  }
  return true;
}

int64 shared_names_bytes() { return shared.mapped ? static_cast<int64>(shared.bytes) : 0; }

}  // namespace steam_rec::pg
