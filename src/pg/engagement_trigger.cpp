// The trigger that scores new and changed steam_rec.user_games rows at once,
// from the stored statistics, so no row waits unscored for the next refresh.
//
// It runs for every inserted row, so it stays cheap: a never-played game is
// 'unplayed' with no lookup at all; otherwise one prepared query fetches the
// game's statistics, the prior and the player's hours in their other games.
// A row the table's checks will refuse (negative, NaN or infinite hours) is
// passed through unscored, for the check to report.
#include <cmath>

#include "core/engagement.hpp"
#include "pg/entry.hpp"
#include "pg/user_games_scan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
}

namespace steam_rec::pg {
namespace {

// Kept for the life of the backend (SPI_keepplan).
SPIPlanPtr context_plan = nullptr;

SPIPlanPtr prepare_context_plan() {
  if (context_plan != nullptr) return context_plan;
  static const char* const kContext =
      "SELECT gs.players, gs.log_median, gs.log_spread, p.log_median, p.log_spread, p.median_weight,"
      "       (SELECT pg_catalog.sum(o.playtime_hours) FROM steam_rec.user_games AS o"
      "         WHERE o.user_steam_id OPERATOR(pg_catalog.=) $1"
      "           AND o.appid OPERATOR(pg_catalog.<>) $2)"
      "  FROM (VALUES (1)) AS one"
      "  LEFT JOIN steam_rec.game_stats AS gs ON gs.appid OPERATOR(pg_catalog.=) $2"
      "  LEFT JOIN steam_rec.engagement_prior AS p ON true";
  Oid types[2] = {INT8OID, INT4OID};
  SPIPlanPtr plan = SPI_prepare(kContext, 2, types);
  if (plan == nullptr || SPI_keepplan(plan) != 0)
    elog(ERROR, "steam_rec: could not prepare the engagement trigger query");
  context_plan = plan;
  return plan;
}

double column_or(HeapTuple tuple, TupleDesc descriptor, int column, double fallback) {
  bool is_null = true;
  Datum value = SPI_getbinval(tuple, descriptor, column, &is_null);
  if (is_null) return fallback;
  return SPI_gettypeid(descriptor, column) == INT4OID ? DatumGetInt32(value) : DatumGetFloat8(value);
}

// The game's statistics, the prior and the player's other hours, into `play`.
void load_context(int64 player, int32 appid, engagement::Play* play,
                  engagement::LogHoursDistribution* game, engagement::Prior* prior) {
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "steam_rec: SPI_connect failed");
  Datum values[2] = {Int64GetDatum(player), Int32GetDatum(appid)};
  int result = SPI_execute_plan(prepare_context_plan(), values, nullptr, true, 1);
  if (result != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "steam_rec: engagement trigger query failed: %s", SPI_result_code_string(result));
  HeapTuple tuple = SPI_tuptable->vals[0];
  TupleDesc descriptor = SPI_tuptable->tupdesc;
  prior->log_median = column_or(tuple, descriptor, 4, prior->log_median);
  prior->log_spread = column_or(tuple, descriptor, 5, prior->log_spread);
  prior->median_weight = column_or(tuple, descriptor, 6, prior->median_weight);
  game->players = column_or(tuple, descriptor, 1, 0);
  game->log_median = column_or(tuple, descriptor, 2, prior->log_median);
  game->log_spread = column_or(tuple, descriptor, 3, prior->log_spread);
  play->player_total_hours = play->hours + column_or(tuple, descriptor, 7, 0);
  SPI_finish();
}

double float8_column(HeapTuple tuple, TupleDesc descriptor, AttrNumber column, double fallback) {
  bool is_null = true;
  Datum value = heap_getattr(tuple, column, descriptor, &is_null);
  return is_null ? fallback : DatumGetFloat8(value);
}

}  // namespace
}  // namespace steam_rec::pg

// Never refuses because of a SQL/library version skew: an application's
// writes must not stop because the library was upgraded first.  It reads only
// columns that every version since 1.2 has.
STEAM_REC_FUNCTION_CHECKED(steam_rec_user_games_engagement_trigger,
                           steam_rec::pg::VersionCheck::skipped) {
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

  HeapTuple tuple = TRIGGER_FIRED_BY_UPDATE(trigger->tg_event) ? trigger->tg_newtuple
                                                                : trigger->tg_trigtuple;
  TupleDesc descriptor = RelationGetDescr(trigger->tg_relation);
  UserGamesScan columns;
  find_user_games_columns(descriptor, &columns);

  engagement::Play play;
  play.hours = float8_column(tuple, descriptor, columns.hours, 0);
  play.recent_hours = float8_column(tuple, descriptor, columns.recent_hours, 0);
  if (!std::isfinite(play.hours) || play.hours < 0 || !std::isfinite(play.recent_hours) ||
      play.recent_hours < 0)
    return PointerGetDatum(tuple);  // the table's checks refuse it, naming the value

  engagement::LogHoursDistribution game;
  engagement::Prior prior;
  if (play.hours > 0) {
    bool is_null = true;
    int64 player = DatumGetInt64(heap_getattr(tuple, columns.player, descriptor, &is_null));
    int32 appid = DatumGetInt32(heap_getattr(tuple, columns.appid, descriptor, &is_null));
    Datum last_played = heap_getattr(tuple, columns.last_played, descriptor, &is_null);
    if (!is_null) play.days_since_last_played = days_since(DatumGetTimestampTz(last_played), engagement_as_of());
    load_context(player, appid, &play, &game, &prior);
  }
  engagement::Engagement result = engagement::score(play, game, prior);

  int changed_columns[2] = {columns.score, columns.category};
  Datum values[2] = {Float4GetDatum(result.score),
                     PointerGetDatum(cstring_to_text(engagement::category_name(result.category)))};
  bool nulls[2] = {false, false};
  return PointerGetDatum(heap_modify_tuple_by_cols(tuple, descriptor, 2, changed_columns, values, nulls));
}
