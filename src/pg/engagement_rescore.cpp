#include "pg/engagement_rescore.hpp"

#include "pg/entry.hpp"
#include "pg/sql_contracts.hpp"
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
  return a.player == b.player && a.appid == b.appid && a.hours == b.hours && a.recent_hours == b.recent_hours &&
         a.days_since_last_played == b.days_since_last_played;
}

// Scores the row the arguments describe (user_steam_id, appid,
// playtime_hours, playtime_2weeks_hours, last_played).
engagement::Engagement rescore_row(const Arguments& arguments) {
  if (state.model == nullptr)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("this function is internal to steam_rec.refresh_engagement()"),
                    errhint("Call steam_rec.refresh_engagement() or steam_rec.score_engagement().")));
  engagement::OwnedGame row;
  row.player = arguments.is_null("user_steam_id") ? 0 : arguments.get<int64>("user_steam_id");
  row.appid = arguments.is_null("appid") ? 0 : arguments.get<int32>("appid");
  row.hours = arguments.is_null("playtime_hours") ? 0 : arguments.get<float8>("playtime_hours");
  row.recent_hours = arguments.is_null("playtime_2weeks_hours") ? 0 : arguments.get<float8>("playtime_2weeks_hours");
  row.days_since_last_played =
      arguments.is_null("last_played") ? -1 : days_since(arguments.timestamptz("last_played"), state.as_of);
  if (!state.has_last || !same_row(row, state.last_row)) {
    state.last_row = row;
    state.last_result = state.model->score(row);
    state.has_last = true;
  }
  return state.last_result;
}

}  // namespace

void install_rescore_model(const engagement::EngagementRefresh* model, TimestampTz as_of, MemoryContext context) {
  auto* callback = static_cast<MemoryContextCallback*>(MemoryContextAlloc(context, sizeof(MemoryContextCallback)));
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
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::rescore_score);
  PG_RETURN_FLOAT4(steam_rec::pg::rescore_row(arguments).score);
}

STEAM_REC_FUNCTION_CHECKED(steam_rec_rescore_category, steam_rec::pg::VersionCheck::skipped) {
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::rescore_category);
  steam_rec::engagement::Engagement result = steam_rec::pg::rescore_row(arguments);
  PG_RETURN_TEXT_P(cstring_to_text(steam_rec::engagement::category_name(result.category)));
}

// Compares with the row's stored engagement_score and playtime_category.
STEAM_REC_FUNCTION_CHECKED(steam_rec_rescore_changed, steam_rec::pg::VersionCheck::skipped) {
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::rescore_changed);
  steam_rec::engagement::Engagement result = steam_rec::pg::rescore_row(arguments);
  if (arguments.is_null("engagement_score") || arguments.is_null("playtime_category")) PG_RETURN_BOOL(true);
  if (arguments.get<float4>("engagement_score") != result.score) PG_RETURN_BOOL(true);
  text* category = arguments.get<text*>("playtime_category");
  int current = steam_rec::pg::category_from_name(VARDATA_ANY(category), VARSIZE_ANY_EXHDR(category));
  PG_RETURN_BOOL(current != static_cast<int>(result.category));
}
