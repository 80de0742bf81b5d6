#!/usr/bin/env bash
# Loads the Steam CSV files (users, catalog, user_games, game_tags) of DIR into
# steam_rec's tables of database DB, with COPY.  Usage: load_steam_data.sh DIR DB
set -euo pipefail
dir=$1
db=$2
for file in users.csv catalog.csv user_games.csv game_tags.csv; do
  [ -r "$dir/$file" ] || { echo "load_steam_data: $dir/$file is missing" >&2; exit 1; }
done
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
BEGIN;
\copy steam_rec.users (steam_id, username, profile_url) FROM '$dir/users.csv' WITH (FORMAT csv, HEADER true)
\copy steam_rec.catalog_cache (appid, name, release_date, developer, publisher, price_cents, is_free) FROM '$dir/catalog.csv' WITH (FORMAT csv, HEADER true)
\copy steam_rec.user_games (user_steam_id, appid, playtime_hours) FROM '$dir/user_games.csv' WITH (FORMAT csv, HEADER true)
\copy steam_rec.game_tags (appid, tag_name, position) FROM '$dir/game_tags.csv' WITH (FORMAT csv, HEADER true)
COMMIT;
ANALYZE steam_rec.users, steam_rec.catalog_cache, steam_rec.user_games, steam_rec.game_tags;
SQL
