// Reading steam_rec.game_tags for training and evaluation.
#pragma once

#include <cstdint>
#include <functional>

#include "core/guard.hpp"
#include "core/seen_numbers.hpp"
#include "core/training_set.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/game_tags_scan.hpp"
#include "pg/postgres.hpp"
#include "pg/spi.hpp"

namespace steam_rec::pg {

// tag_name is NOT NULL in the schema; a row without one (once an owner drops
// that) is bad data, refused by its game, whichever way the table is read.
inline void refuse_missing_tag_name(int32 appid) {
  ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION),
                  errmsg("steam_rec.game_tags has a row of appid %d without a tag_name", appid),
                  errhint("Delete that row or give it a tag name.")));
}

// Calls add(appid, tag, position) for every row of steam_rec.game_tags
// (position 0 when unknown; `tag` a std::string_view, valid during the call),
// by a heap scan where that reads what SQL would (game_tags_scan.hpp), else
// through a cursor, inside SPI; in the table's physical order either way.
// `add` must hold no object with a destructor (capture by reference): it
// runs between server calls.
template <typename Add>
void read_game_tags(Add&& add) {
  if (GameTagsScan* scan = game_tags_scan_begin()) {
    GameTagRow row;
    while (game_tags_scan_next(scan, &row)) {
      if (row.tag_is_null) refuse_missing_tag_name(row.appid);
      add(row.appid, row.tag, row.position);
    }
    game_tags_scan_end(scan);
    return;
  }
  // The cursor reads the table whatever its columns' types: cast, appid and
  // position reach the loop as the integers it reads them as, or are refused
  // by SQL's own rules (a position no integer holds).
  for_each_batch("steam_rec_game_tags", "SELECT appid::integer, tag_name, position::integer FROM steam_rec.game_tags",
                 0, nullptr, nullptr, [&add](SPITupleTable* table, uint64 rows) {
                   for (uint64 r = 0; r < rows; ++r) {
                     bool is_null = true;
                     HeapTuple tuple = table->vals[r];
                     const int32 appid = DatumGetInt32(SPI_getbinval(tuple, table->tupdesc, 1, &is_null));
                     char* tag = SPI_getvalue(tuple, table->tupdesc, 2);
                     if (tag == nullptr) refuse_missing_tag_name(appid);
                     Datum position = SPI_getbinval(tuple, table->tupdesc, 3, &is_null);
                     add(appid, std::string_view(tag), is_null ? 0 : DatumGetInt32(position));
                     pfree(tag);
                   }
                 });
}

// What read_game_tags_within() counted without holding.
struct TagsNotHeld {
  int64 rows = 0;
  // TrainingSet::tag_name_bytes() of each name not held: once for the first
  // kNamesCountedOnce met past the room, then at each row (an upper bound).
  double name_bytes = 0;
};

// Names past the room told apart by a 64-bit hash (about 20 bytes each): as
// many as keep the refusal's need exact for any real table, few enough that
// counting stays small beside the limit (1.3 MB; 6 million names past the
// room held 120 MB when every one was kept).
constexpr std::size_t kNamesCountedOnce = 65536;

// read_game_tags() into `sink` (its add_tag(), has_tag_name()) while `held()`, the bytes
// the tags read so far hold, stays within `room`; past it each row is only
// counted.  The caller then refuses from the counts: a game_tags of
// millions of distinct long names is not held whole first.  `operation`
// names the call in core failures.
template <typename Sink, typename Held>
TagsNotHeld read_game_tags_within(Sink& sink, double room, Held&& held, const char* operation) {
  TagsNotHeld not_held;
  // The names met past the room, by hash, so each counts once.
  auto* past_room = new_in_context<rec::SeenNumbers<std::uint64_t>>(CurrentMemoryContext);
  read_game_tags([&](int32 appid, std::string_view tag, int32 position) {
    check(guard([&] {
            if (held() <= room) {
              sink.add_tag(appid, tag, position);
              return;
            }
            ++not_held.rows;
            if (sink.has_tag_name(tag)) return;
            const std::uint64_t hash = std::hash<std::string_view>{}(tag);
            if (past_room->seen(hash)) return;
            if (past_room->keys().size() < kNamesCountedOnce) past_room->number(hash);
            not_held.name_bytes += rec::TrainingSet::tag_name_bytes(tag);
          }),
          operation);
  });
  return not_held;
}

}  // namespace steam_rec::pg
