#!/usr/bin/env bash
# The demo runs end to end on the built-in sample (a machine without the real
# Steam data) and shows each of its sections.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
output=$(mktemp -t steam_rec_demo.XXXXXX)
trap 'rm -f "$output"; dropdb --if-exists steam_rec_demo 2>/dev/null' EXIT

STEAM_REC_DATA=/nonexistent "$root/tools/demo.sh" >"$output" 2>&1 || { cat "$output" >&2; exit 1; }
assert_true "the demo falls back to the built-in sample" "grep -q 'loading the built-in sample' '$output'"
assert_true "the demo prints no error" "! grep -q 'ERROR' '$output'"
for section in "Engagement: steam_rec.refresh_engagement()" "The same 10 hours" "Most common tags" \
               "One player's top 10 games by engagement" "Migration status and history" \
               "Recommendations: steam_rec.train() and steam_rec.recommend()" "Ranking quality, measured in the database" \
               "Maintenance: CALL steam_rec.maintain(), what pg_cron runs every night" "The maintenance log"; do
  assert_true "the demo shows: $section" "grep -qF \"## $section\" '$output'"
done
assert_true "the demo shows recommendations with reasons" "grep -qE 'Because you played|Popular' '$output'"
assert_true "the demo's maintain() run succeeds and activates a new model" \
  "grep -A3 '## The maintenance log' '$output' | grep -qE '\| succeeded \| activated \|'"
assert_true "the downgrade and upgrade keep user_games identical" \
  "grep -A3 'user_games_identical' '$output' | grep -qE '\| t\$'"
