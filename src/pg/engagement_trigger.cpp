// The trigger that scores new and changed steam_rec.user_games rows at once,
// from the stored statistics, so no row waits unscored for the next refresh.
//
// It runs for every inserted row, so it stays cheap.  A never-played game
// inserted is 'unplayed' with no lookup at all.  Otherwise it needs the game's statistics, the
// prior and the player's total hours; it looks each up once per statement and
// keeps them for the statement's other rows (a library sync inserts a
// player's games in one statement), adding each row's hours to its player's
// total as it goes.  A row the table's checks will refuse (negative, NaN or
// infinite hours) is passed through unscored, for the check to report.
#include <cmath>
#include <unordered_map>

#include "core/engagement.hpp"
#include "pg/entry.hpp"
#include "pg/spi.hpp"
#include "pg/user_games_scan.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "storage/proc.h"
}

namespace steam_rec::pg {
namespace {

namespace engagement = steam_rec::engagement;

// A statement touching more players or games than this starts over with
// fresh lookups rather than grow without bound.
constexpr std::size_t kMaxCachedEntries = 1 << 20;

// What the trigger has looked up during the current statement.
struct StatementLookups {
  LocalTransactionId transaction = InvalidLocalTransactionId;
  CommandId command = InvalidCommandId;
  bool has_columns = false;
  UserGamesScan columns;  // attribute numbers; a statement sees one descriptor
  bool has_prior = false;
  engagement::Prior prior;
  std::unordered_map<int32, engagement::LogHoursDistribution> games;
  // The player's hours over all their games, as this statement has left them so far.
  std::unordered_map<int64, double> player_hours;
};

StatementLookups lookups;

// Prepared once per backend (SPI_keepplan).
SPIPlanPtr game_plan = nullptr;
SPIPlanPtr prior_plan = nullptr;
SPIPlanPtr player_plan = nullptr;

SPIPlanPtr keep_plan(SPIPlanPtr* plan, const char* sql, int count, Oid* types) {
  if (*plan != nullptr) return *plan;
  SPIPlanPtr prepared = SPI_prepare(sql, count, types);
  if (prepared == nullptr || SPI_keepplan(prepared) != 0)
    elog(ERROR, "steam_rec: could not prepare an engagement trigger query: %s", sql);
  *plan = prepared;
  return prepared;
}

// Runs a kept plan returning at most one row; false when it returns none.
bool fetch_row(SPIPlanPtr plan, Datum* values) {
  int result = SPI_execute_plan(plan, values, nullptr, true, 1);
  if (result != SPI_OK_SELECT)
    elog(ERROR, "steam_rec: engagement trigger query failed: %s", SPI_result_code_string(result));
  return SPI_processed == 1;
}

double float8_at(int column, double fallback) {
  bool is_null = true;
  Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &is_null);
  return is_null ? fallback : DatumGetFloat8(value);
}

void start_statement_if_new() {
  LocalTransactionId transaction = MyProc->lxid;
  CommandId command = GetCurrentCommandId(false);
  if (transaction == lookups.transaction && command == lookups.command && lookups.games.size() < kMaxCachedEntries &&
      lookups.player_hours.size() < kMaxCachedEntries)
    return;
  lookups.games.clear();
  lookups.player_hours.clear();
  lookups.has_columns = false;
  lookups.has_prior = false;
  lookups.transaction = transaction;
  lookups.command = command;
}

const engagement::Prior& prior() {
  if (!lookups.has_prior) {
    engagement::Prior loaded;
    if (fetch_row(keep_plan(&prior_plan,
                            "SELECT log_median::pg_catalog.float8, log_spread::pg_catalog.float8,"
                            "       median_weight::pg_catalog.float8 FROM steam_rec.engagement_prior",
                            0, nullptr),
                  nullptr)) {
      loaded.log_median = float8_at(1, loaded.log_median);
      loaded.log_spread = float8_at(2, loaded.log_spread);
      loaded.median_weight = float8_at(3, loaded.median_weight);
    }
    lookups.prior = loaded;
    lookups.has_prior = true;
  }
  return lookups.prior;
}

engagement::LogHoursDistribution game(int32 appid) {
  auto found = lookups.games.find(appid);
  if (found != lookups.games.end()) return found->second;
  // A game without statistics yet is scored against the typical game.
  engagement::LogHoursDistribution loaded{0, prior().log_median, prior().log_spread};
  Oid types[1] = {INT4OID};
  Datum values[1] = {Int32GetDatum(appid)};
  if (fetch_row(
          keep_plan(&game_plan,
                    "SELECT players::pg_catalog.float8, log_median::pg_catalog.float8, log_spread::pg_catalog.float8"
                    "  FROM steam_rec.game_stats"
                    " WHERE appid OPERATOR(pg_catalog.=) $1",
                    1, types),
          values))
    loaded = {float8_at(1, 0), float8_at(2, loaded.log_median), float8_at(3, loaded.log_spread)};
  lookups.games.emplace(appid, loaded);
  return loaded;
}

// The player's hours as the statement found them (before its own rows), each
// game's counted as engagement::counted_hours() counts it.
double& player_hours(int64 player) {
  static_assert(engagement::kLargestCountedHours == 1e290, "the query below counts hours up to 1e290");
  auto found = lookups.player_hours.find(player);
  if (found != lookups.player_hours.end()) return found->second;
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(player)};
  fetch_row(keep_plan(&player_plan,
                      "SELECT pg_catalog.sum(LEAST(playtime_hours, 1e290::pg_catalog.float8))"
                      "  FROM steam_rec.user_games WHERE user_steam_id OPERATOR(pg_catalog.=) $1",
                      1, types),
            values);
  return lookups.player_hours.emplace(player, float8_at(1, 0)).first->second;
}

double float8_column(HeapTuple tuple, TupleDesc descriptor, AttrNumber column, double fallback) {
  bool is_null = true;
  Datum value = heap_getattr(tuple, column, descriptor, &is_null);
  return is_null ? fallback : DatumGetFloat8(value);
}

int64 int64_column(HeapTuple tuple, TupleDesc descriptor, AttrNumber column) {
  bool is_null = true;
  return DatumGetInt64(heap_getattr(tuple, column, descriptor, &is_null));
}

bool valid_hours(double hours) { return std::isfinite(hours) && hours >= 0; }

}  // namespace
}  // namespace steam_rec::pg

// Never refuses because of a SQL/library version skew: an application's
// writes must not stop because the library was upgraded first.  It reads only
// columns that every version since 1.2 has.
STEAM_REC_FUNCTION_CHECKED(steam_rec_user_games_engagement_trigger, steam_rec::pg::VersionCheck::skipped) {
  using namespace steam_rec::pg;
  namespace engagement = steam_rec::engagement;

  if (!CALLED_AS_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("user_games_engagement_trigger() must be called as a trigger")));
  auto* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
  if (!TRIGGER_FIRED_BEFORE(trigger->tg_event) || !TRIGGER_FIRED_FOR_ROW(trigger->tg_event) ||
      TRIGGER_FIRED_BY_DELETE(trigger->tg_event))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("user_games_engagement_trigger() must run BEFORE INSERT OR UPDATE FOR EACH ROW")));

  const bool is_update = TRIGGER_FIRED_BY_UPDATE(trigger->tg_event);
  HeapTuple tuple = is_update ? trigger->tg_newtuple : trigger->tg_trigtuple;
  TupleDesc descriptor = RelationGetDescr(trigger->tg_relation);
  start_statement_if_new();
  if (!lookups.has_columns) {
    find_user_games_columns(descriptor, &lookups.columns);
    lookups.has_columns = true;
  }
  const UserGamesScan& columns = lookups.columns;

  engagement::Play play;
  play.hours = float8_column(tuple, descriptor, columns.hours, 0);
  play.recent_hours = float8_column(tuple, descriptor, columns.recent_hours, 0);
  if (!valid_hours(play.hours) || !valid_hours(play.recent_hours))
    return PointerGetDatum(tuple);  // the table's checks refuse it, naming the value

  // A never-played game inserted is 'unplayed', 0: nothing to look up.
  engagement::Engagement result;
  if (is_update || play.hours > 0) {
    SpiSession spi;
    // Keep the players' totals in step with this row: the old version's hours
    // leave its player, the new version's join the new player.
    if (is_update) {
      double old_hours = float8_column(trigger->tg_trigtuple, descriptor, columns.hours, 0);
      if (valid_hours(old_hours) && old_hours > 0)
        player_hours(int64_column(trigger->tg_trigtuple, descriptor, columns.player)) -=
            engagement::counted_hours(old_hours);
    }
    engagement::LogHoursDistribution game_distribution;
    if (play.hours > 0) {
      double& total = player_hours(int64_column(tuple, descriptor, columns.player));
      total += engagement::counted_hours(play.hours);
      play.player_total_hours = total;
      bool is_null = true;
      int32 appid = DatumGetInt32(heap_getattr(tuple, columns.appid, descriptor, &is_null));
      game_distribution = game(appid);
      Datum last_played = heap_getattr(tuple, columns.last_played, descriptor, &is_null);
      if (!is_null) play.days_since_last_played = days_since(DatumGetTimestampTz(last_played), engagement_as_of());
    }
    result = engagement::score(play, game_distribution, prior());
    spi.finish();
  }

  int changed_columns[2] = {columns.score, columns.category};
  Datum values[2] = {Float4GetDatum(result.score),
                     PointerGetDatum(cstring_to_text(engagement::category_name(result.category)))};
  bool nulls[2] = {false, false};
  return PointerGetDatum(heap_modify_tuple_by_cols(tuple, descriptor, 2, changed_columns, values, nulls));
}
