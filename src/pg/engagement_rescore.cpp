#include "pg/engagement_rescore.hpp"

#include "pg/entry.hpp"
#include "pg/user_games_scan.hpp"

namespace steam_rec::pg {
namespace {

struct RescoreState {
  const engagement::EngagementRefresh* model = nullptr;
  TimestampTz as_of = 0;
  // The last row scored: the three functions see the same row one after the
  // other, so it is scored once.
  engagement::OwnedGame last_row{};
  engagement::Engagement last_result{};
  bool has_last = false;
};

RescoreState state;

void uninstall(void*) noexcept { state = RescoreState{}; }

bool same_row(const engagement::OwnedGame& a, const engagement::OwnedGame& b) {
  return a.player == b.player && a.appid == b.appid && a.hours == b.hours &&
         a.recent_hours == b.recent_hours && a.days_since_last_played == b.days_since_last_played;
}

// Arguments 0..4: user_steam_id, appid, playtime_hours, playtime_2weeks_hours, last_played.
engagement::Engagement rescore_row(FunctionCallInfo fcinfo) {
  if (state.model == nullptr)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("this function is internal to steam_rec.refresh_engagement()"),
                    errhint("Call steam_rec.refresh_engagement() or steam_rec.score_engagement().")));
  engagement::OwnedGame row;
  row.player = PG_ARGISNULL(0) ? 0 : PG_GETARG_INT64(0);
  row.appid = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1);
  row.hours = PG_ARGISNULL(2) ? 0 : PG_GETARG_FLOAT8(2);
  row.recent_hours = PG_ARGISNULL(3) ? 0 : PG_GETARG_FLOAT8(3);
  row.days_since_last_played = PG_ARGISNULL(4) ? -1 : days_since(PG_GETARG_TIMESTAMPTZ(4), state.as_of);
  if (!state.has_last || !same_row(row, state.last_row)) {
    state.last_row = row;
    state.last_result = state.model->score(row);
    state.has_last = true;
  }
  return state.last_result;
}

}  // namespace

void install_rescore_model(const engagement::EngagementRefresh* model, TimestampTz as_of,
                           MemoryContext context) {
  auto* callback = static_cast<MemoryContextCallback*>(
      MemoryContextAlloc(context, sizeof(MemoryContextCallback)));
  callback->func = uninstall;
  callback->arg = nullptr;
  MemoryContextRegisterResetCallback(context, callback);
  state = RescoreState{};
  state.model = model;
  state.as_of = as_of;
}

}  // namespace steam_rec::pg

// These run once per row inside refresh_engagement(), which has checked the
// versions already.
STEAM_REC_FUNCTION_CHECKED(steam_rec_rescore_score, steam_rec::pg::VersionCheck::skipped) {
  PG_RETURN_FLOAT4(steam_rec::pg::rescore_row(fcinfo).score);
}

STEAM_REC_FUNCTION_CHECKED(steam_rec_rescore_category, steam_rec::pg::VersionCheck::skipped) {
  steam_rec::engagement::Engagement result = steam_rec::pg::rescore_row(fcinfo);
  PG_RETURN_TEXT_P(cstring_to_text(steam_rec::engagement::category_name(result.category)));
}

// Arguments 5 and 6: the row's current engagement_score and playtime_category.
STEAM_REC_FUNCTION_CHECKED(steam_rec_rescore_changed, steam_rec::pg::VersionCheck::skipped) {
  steam_rec::engagement::Engagement result = steam_rec::pg::rescore_row(fcinfo);
  if (PG_ARGISNULL(5) || PG_ARGISNULL(6)) PG_RETURN_BOOL(true);
  if (PG_GETARG_FLOAT4(5) != result.score) PG_RETURN_BOOL(true);
  text* category = PG_GETARG_TEXT_PP(6);
  int current = steam_rec::pg::category_from_name(VARDATA_ANY(category), VARSIZE_ANY_EXHDR(category));
  PG_RETURN_BOOL(current != static_cast<int>(result.category));
}
