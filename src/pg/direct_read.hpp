// Reading a few rows by index without the executor.
//
// recommend() reads a handful of rows per call; through SQL each statement
// costs more than the ranking itself.  When the caller may read a whole
// table (SELECT on it and no row-level security applies) these helpers read
// it directly through an index; otherwise the caller goes through SQL, which
// applies privileges and policies row by row (and reaches Citus's shards).
#pragma once

#include "pg/catalog_read_mark.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "datatype/timestamp.h"
#include "utils/relcache.h"
}

namespace steam_rec::pg {

// The relation (table or index) steam_rec.<name>, locked for reading, or
// InvalidOid when it does not exist (also when it was dropped while we waited).
Oid steam_rec_relation(const char* name);

// The planner's estimate of the rows of steam_rec.<name> (pg_class.reltuples,
// as the last VACUUM or ANALYZE left it), or 0 when the relation is missing
// or has none.
int64 estimated_rows(const char* name);

// Whether Citus is installed in this database, looked up once per
// transaction unless note_citus_installed() already told it, and not again
// while pg_extension cannot have changed since (catalog_read_mark.hpp).
bool citus_installed();

// Records whether Citus is installed, as just read from pg_extension in this
// transaction (marked by `read`), so that citus_installed() need not read it again.
void note_citus_installed(bool installed, const CatalogReadMark& read);

// The relation steam_rec.<name> if the current user may read all of it
// directly, else InvalidOid.  Always InvalidOid in a database with Citus,
// whose tables keep their rows in shards.
Oid directly_readable(const char* name);

// names[i] = the catalog_cache name of appids[i] (palloc'd), or nullptr.
// With remember_addresses the backend remembers where each row lay and
// fetches it from there next time; without, it searches the index only.
void read_catalog_names(Oid catalog_cache, const int32* appids, int count, char** names,
                        bool remember_addresses = true);

// The row of steam_rec.models WHERE active, read through its partial unique
// index `one_active`; text and jsonb values are palloc'd copies.
struct ModelRow {
  int64 id;
  TimestampTz trained_at;
  char* algorithm;
  Datum params;  // jsonb
};
bool read_active_model(Oid models, Oid one_active, ModelRow* row);

// The columns of steam_rec.models a ModelRow is read from, each with its
// place in the SQL lookups' select lists and the type it is read as.  Both
// reads refuse a column of another type (require_column_type()).
struct ModelColumn {
  const char* name;
  int number;
  Oid type;
};
inline constexpr ModelColumn kModelColumns[] = {
    {"id", 1, INT8OID}, {"trained_at", 2, TIMESTAMPTZOID}, {"algorithm", 3, TEXTOID}, {"params", 4, JSONBOID}};

// steam_rec.user_games and an index a player's games are read through, both
// open: recommend() checks the index and reads it with one open of each.
struct PlayerGamesIndex {
  Relation heap = nullptr;
  Relation index = nullptr;
};

// Opens user_games (if not open yet) and `index`, and keeps the index open
// when read_player_games() may read through it: a valid btree index of
// user_games on (user_steam_id, appid, ...), both ascending in their types'
// default btree order, not partial, so it holds every row of a player, in
// appid order; user_steam_id, appid and engagement_score of the types they are
// read as (bigint, integer, real, or domains over them).  Otherwise the index
// is closed again and false returned.
bool open_player_games_index(Oid user_games, Oid index, PlayerGamesIndex* opened);

// Closes what open_player_games_index() left open.
void close_player_games_index(PlayerGamesIndex* opened);

// The appids and engagement scores (NULL read as 0) of one player's rows of
// steam_rec.user_games, palloc'd, found through the open index; returns how
// many.
int read_player_games(const PlayerGamesIndex& opened, int64 steam_id, int32** appids, float** engagement);

}  // namespace steam_rec::pg
