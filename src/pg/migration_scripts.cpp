// The installed extension scripts, as SQL can see them:
//   steam_rec._script_text(script text) RETURNS text
//   steam_rec._script_checksum(script text) RETURNS text   (MD5, hex)
// for migration_plan() (the SQL a step would run) and for the migration log
// (which script ran, and whether it is the one installed now).  Both work
// during a SQL/library skew: they run inside the update scripts themselves.
#include <cctype>
#include <cstring>

#include "pg/entry.hpp"
#include "pg/message_value.hpp"
#include "pg/sql_contracts.hpp"

extern "C" {
#include "common/md5.h"
#include "lib/stringinfo.h"
#include "storage/fd.h"
}

namespace {

// steam_rec--<version>.sql or steam_rec--<version>--<version>.sql, where a
// version is digits and dots: nothing else can name a file we read.  Up to
// 64 bytes: a longer name (the one a message quotes whole) names no script,
// and its path failed to open as an internal error.
bool is_script_name(const char* name) {
  static const char kPrefix[] = "steam_rec--";
  static const char kSuffix[] = ".sql";
  constexpr size_t kLongestName = 64;
  size_t length = std::strlen(name);
  if (length <= sizeof(kPrefix) - 1 + sizeof(kSuffix) - 1 || length > kLongestName) return false;
  if (std::strncmp(name, kPrefix, sizeof(kPrefix) - 1) != 0) return false;
  if (std::strcmp(name + length - (sizeof(kSuffix) - 1), kSuffix) != 0) return false;
  const char* version = name + sizeof(kPrefix) - 1;
  const char* end = name + length - (sizeof(kSuffix) - 1);
  int separators = 0;
  bool digit_expected = true;
  for (const char* c = version; c < end; ++c) {
    if (std::isdigit(static_cast<unsigned char>(*c))) {
      digit_expected = false;
    } else if (*c == '.' && !digit_expected) {
      digit_expected = true;
    } else if (*c == '-' && c + 1 < end && c[1] == '-' && !digit_expected && separators == 0) {
      ++separators;
      ++c;
      digit_expected = true;
    } else {
      return false;
    }
  }
  return !digit_expected;
}

// Reads share/extension/<name> whole; raises a clear error if it is missing.
text* read_script(text* name_text) {
  char* name = text_to_cstring(name_text);
  if (!is_script_name(name))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("\"%s\" is not the name of a steam_rec script", steam_rec::pg::value_for_message(name)),
                    errhint("Script names look like steam_rec--1.0.sql or steam_rec--1.0--1.1.sql.")));
  char share[MAXPGPATH];
  get_share_path(my_exec_path, share);
  char* path = psprintf("%s/extension/%s", share, name);
  FILE* file = AllocateFile(path, PG_BINARY_R);
  if (file == nullptr)
    ereport(ERROR, (errcode_for_file_access(),
                    errmsg("steam_rec script \"%s\" is not installed: could not open \"%s\": %m", name, path),
                    errhint("Install the steam_rec package that provides this version.")));
  StringInfoData content;
  initStringInfo(&content);
  char buffer[8192];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), file)) > 0)
    appendBinaryStringInfo(&content, buffer, static_cast<int>(read));
  bool failed = ferror(file);
  FreeFile(file);
  if (failed) ereport(ERROR, (errcode_for_file_access(), errmsg("could not read \"%s\": %m", path)));
  return cstring_to_text_with_len(content.data, content.len);
}

}  // namespace

STEAM_REC_FUNCTION_CHECKED(steam_rec_script_text, steam_rec::pg::VersionCheck::skipped) {
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::script_text);
  arguments.require("script");
  PG_RETURN_TEXT_P(read_script(arguments.get<text*>("script")));
}

STEAM_REC_FUNCTION_CHECKED(steam_rec_script_checksum, steam_rec::pg::VersionCheck::skipped) {
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::script_checksum);
  arguments.require("script");
  text* script = read_script(arguments.get<text*>("script"));
  char hex[33];
  const char* problem = nullptr;
  if (!pg_md5_hash(VARDATA_ANY(script), VARSIZE_ANY_EXHDR(script), hex, &problem))
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not compute MD5: %s", problem)));
  PG_RETURN_TEXT_P(cstring_to_text(hex));
}
