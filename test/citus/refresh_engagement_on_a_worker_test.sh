#!/usr/bin/env bash
# refresh_engagement() of every player called on a worker (Citus lets a client
# connect to any node) stores the new statistics and rescores every row with
# them, as it does on the coordinator: a second refresh, on the coordinator,
# finds nothing to change.  Before, the worker ran it without the sequential
# mode distribute() had set on the coordinator only, so the rescoring went
# over other connections than the one that wrote the statistics, read the old
# ones, and left rows scored with them (the second refresh changed 286 rows).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql
coordinator -c "SELECT steam_rec.refresh_engagement()" >/dev/null
# New hours for two games change their statistics.
coordinator -c "UPDATE steam_rec.user_games SET playtime_hours = playtime_hours * 3 + 1 WHERE appid IN (440, 550)"

rescored=$(worker1 -c "SELECT steam_rec.refresh_engagement()")
assert_true "the refresh on worker 1 rescores rows" "[ $rescored -gt 0 ]"
assert_equal "a second refresh, on the coordinator, finds every score current" "0" \
  "$(coordinator -c "SELECT steam_rec.refresh_engagement()")"
assert_equal "and so does one on worker 2" "0" "$(worker2 -c "SELECT steam_rec.refresh_engagement()")"
