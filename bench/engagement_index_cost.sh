#!/usr/bin/env bash
# What user_games' indexes cost refresh_engagement() from no scores.
#
#   bench/engagement_index_cost.sh TEMPLATE_DB [ROUNDS] [VARIANTS]
#
# TEMPLATE_DB: a database of bench/generate_steam.py data, scores never
# computed (the bulk-load recipe), on the server the PG* environment names.
# Each round copies it once per variant (CREATE DATABASE ... TEMPLATE), changes
# the indexes or the trigger, VACUUMs, and times the refresh with
# bench/timed_phase.py (seconds, backend CPU, WAL); variants interleave, so the
# load of a shared machine falls on all of them.  The md5 of every
# (user_steam_id, appid, engagement_score) shows the scores do not depend on it.
#   A  the schema as installed
#   B  without the covering index user_games_player_games
#   C  the unique key (user_steam_id, appid) made covering (INCLUDE
#      (engagement_score)) in place of user_games_player_games: one index on
#      those keys instead of two
#   D  the engagement trigger disabled
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
template=$1
rounds=${2:-3}
variants=${3:-A B C}

variant_sql() {
  case $1 in
    A) echo "DO \$\$BEGIN END\$\$" ;;
    B) echo "DROP INDEX steam_rec.user_games_player_games" ;;
    C) echo "DROP INDEX steam_rec.user_games_player_games;
             CREATE UNIQUE INDEX user_games_covering_key ON steam_rec.user_games (user_steam_id, appid)
               INCLUDE (engagement_score);
             ALTER TABLE steam_rec.user_games DROP CONSTRAINT user_games_user_steam_id_appid_key,
               ADD CONSTRAINT user_games_user_steam_id_appid_key UNIQUE USING INDEX user_games_covering_key" ;;
    D) echo "ALTER TABLE steam_rec.user_games DISABLE TRIGGER user_games_engagement" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

for round in $(seq "$rounds"); do
  for variant in $variants; do
    db="index_cost_${variant,,}$round"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE $template" 2>/dev/null
    psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c "$(variant_sql "$variant")" -c "VACUUM ANALYZE steam_rec.user_games" \
      2>&1 | grep -v NOTICE || true
    echo "variant $variant, round $round"
    "$HERE/timed_phase.py" "$db" "SELECT steam_rec.refresh_engagement()"
    psql -X -Atq -d "$db" -c "SELECT 'scores md5 ' || md5(string_agg(user_steam_id || ':' || appid || ':' || engagement_score,
                                     ',' ORDER BY user_steam_id, appid)) FROM steam_rec.user_games"
    psql -X -q -d postgres -c "DROP DATABASE $db"
  done
done
