// steam_rec.score_engagement(...): the engagement model as a pure function of
// its inputs, for ad hoc SQL and for checking the model.  Returns
// (engagement_score real, position double precision, playtime_category text).
#include <cmath>

#include "core/engagement.hpp"
#include "pg/entry.hpp"
#include "pg/sql_contracts.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
}

namespace {

// A float8 argument that may be NULL, meaning "unknown".
double optional_argument(const steam_rec::pg::Arguments& arguments, const char* name, double when_null) {
  return arguments.is_null(name) ? when_null : arguments.get<float8>(name);
}

void require_hours(const char* name, double value, double maximum) {
  if (std::isfinite(value) && value >= 0 && value <= maximum) return;
  if (std::isinf(maximum))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s must be a finite number of hours, 0 or more, not %g", name, value),
                    errhint("Pass 0 for a game that was never played.")));
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("%s must be a finite number of hours from 0 to %g, not %g", name, maximum, value),
                  errhint("The last two weeks hold %g hours; pass 0 for a game not played in them.", maximum)));
}

// A statistic given in place of the stored one: any finite number, or 0 and
// more where it is a size (a spread, hours, a weight).  NaN or an infinity
// was read as unknown and a negative spread as none, silently.
void require_statistic(const char* name, double value, bool at_least_zero) {
  if (std::isfinite(value) && (!at_least_zero || value >= 0)) return;
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("%s must be a finite number%s, not %g", name, at_least_zero ? ", 0 or more" : "", value),
                  errhint("Pass NULL where it is unknown.")));
}

// A non-NULL argument checked by require_statistic(), or `when_null`.
double statistic(const steam_rec::pg::Arguments& arguments, const char* name, double when_null, bool at_least_zero) {
  if (arguments.is_null(name)) return when_null;
  const double value = arguments.get<float8>(name);
  require_statistic(name, value, at_least_zero);
  return value;
}

}  // namespace

STEAM_REC_FUNCTION(steam_rec_score_engagement) {
  namespace engagement = steam_rec::engagement;
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::score_engagement);
  if (arguments.is_null("playtime_hours")) PG_RETURN_NULL();

  engagement::Play play;
  play.hours = arguments.get<float8>("playtime_hours");
  play.recent_hours = optional_argument(arguments, "playtime_2weeks_hours", 0);
  require_hours("playtime_hours", play.hours, HUGE_VAL);
  require_hours("playtime_2weeks_hours", play.recent_hours, 336);
  play.player_total_hours = statistic(arguments, "player_total_hours", 0, true);
  // A negative count was read as unknown: NULL says that.
  play.days_since_last_played = statistic(arguments, "days_since_last_played", -1, true);

  engagement::Prior prior;
  prior.log_median = statistic(arguments, "prior_log_median", prior.log_median, false);
  prior.log_spread = statistic(arguments, "prior_log_spread", prior.log_spread, true);
  prior.median_weight = statistic(arguments, "prior_median_weight", prior.median_weight, true);
  engagement::LogHoursDistribution game;
  game.players = optional_argument(arguments, "game_players", 0);
  game.log_median = statistic(arguments, "game_log_median", prior.log_median, false);
  game.log_spread = statistic(arguments, "game_log_spread", prior.log_spread, true);
  if (game.players < 0 || !std::isfinite(game.players))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("game_players must be a finite number >= 0, not %g", game.players)));

  engagement::Engagement result = engagement::score(play, game, prior);

  TupleDesc descriptor;
  if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
    elog(ERROR, "steam_rec: score_engagement must return a record");
  Datum values[3] = {Float4GetDatum(result.score), Float8GetDatum(result.position),
                     PointerGetDatum(cstring_to_text(engagement::category_name(result.category)))};
  bool nulls[3] = {false, false, false};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(descriptor), values, nulls)));
}
