# Sourced by the tests on the real Steam data (../shared/data/steam, or
# STEAM_REC_DATA), after assert.sh.
#
# load_real_data_or_skip DB WHAT: creates database DB (dropped when the test
# exits), loads the data and scores it; when the data is not there, prints
# "skip WHAT" and ends the test successfully.
load_real_data_or_skip() {
  local db=$1 what=$2
  local data=${STEAM_REC_DATA:-$root/../shared/data/steam}
  if [ ! -r "$data/user_games.csv" ]; then
    echo "skip $what: $data/user_games.csv is not there"
    exit 0
  fi
  dropdb --if-exists "$db" 2>/dev/null || true
  createdb "$db"
  trap "dropdb --if-exists $db 2>/dev/null" EXIT
  psql_in "$db" <<< "CREATE EXTENSION steam_rec"
  "$root/tools/load_steam_data.sh" "$data" "$db" >/dev/null
  psql_value "$db" "SELECT steam_rec.refresh_engagement()" >/dev/null
}
