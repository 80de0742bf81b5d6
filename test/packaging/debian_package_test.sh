#!/usr/bin/env bash
# The Debian package: builds postgresql-15-steam-rec with dpkg-buildpackage
# (debhelper and pg_buildext) from a clean copy of the source, checks what it
# contains, installs it with apt, creates the extension from it in a
# throwaway cluster, uses it, and removes the package, checking that nothing
# of it is left.  Removing the package deletes the extension's files from the
# system: whoever runs this test reinstalls afterwards (tools/run test runs
# it last and then make install).  Skips, saying why, without the build tools
# or without root.  STEAM_REC_DEB=path tests a package already built instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"

for tool in dpkg-buildpackage dh pg_buildext apt-get; do
  command -v $tool >/dev/null || { echo "SKIP $tool is missing (tools/run deps installs debhelper, dpkg-dev, postgresql-server-dev-all)"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP installing a package and creating a cluster need root"; exit 0; }

# One version everywhere: the control file, the package, PGXN.
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/steam_rec.control")
assert_equal "debian/changelog has the extension's default version" "$version" \
  "$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)"
assert_equal "META.json has it too (semantic version)" "$version.0 $version.0" \
  "$(python3 -c "import json,sys; m=json.load(open('$root/META.json')); print(m['version'], m['provides']['steam_rec']['version'])")"
assert_equal "debian/control is debian/control.in for PostgreSQL 15" "" \
  "$(diff <(sed 's/PGVERSION/15/g' "$root/debian/control.in") "$root/debian/control")"

work=$(mktemp -d)
cluster=steam_rec_package
cleanup() {
  pg_dropcluster --stop 15 $cluster 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${STEAM_REC_DEB:-}" ]; then
  # A package built beforehand with this same script's build step (for a run
  # that should hold the shared install only while it installs and removes).
  deb=$STEAM_REC_DEB
  echo "     (testing the package built before: $(basename "$deb"))"
else
  # A clean copy, as a fresh clone would be: tracked files and new ones, nothing built.
  mkdir "$work/steam-rec"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$root" ls-files -z --cached --others --exclude-standard |
      tar -C "$root" --null -T - -cf - | tar -C "$work/steam-rec" -xf -
  else
    tar -C "$root" --exclude=./build --exclude='*.o' --exclude='*.so' -cf - . | tar -C "$work/steam-rec" -xf -
  fi
  started=$(date +%s)
  if ! (cd "$work/steam-rec" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$work/build.log" 2>&1; then
    tail -40 "$work/build.log"
    echo "FAIL dpkg-buildpackage failed" >&2
    exit 1
  fi
  deb=$(ls "$work"/postgresql-15-steam-rec_"$version"_*.deb)
  echo "ok   dpkg-buildpackage -us -uc -b built $(basename "$deb") in $(( $(date +%s) - started )) s"
fi

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
libdir=$(pg_config --pkglibdir)
extdir=$(pg_config --sharedir)/extension
assert_true "it holds the library" "grep -qx '.$libdir/steam_rec.so' <<<\"\$contents\""
assert_true "it holds the control file" "grep -qx '.$extdir/steam_rec.control' <<<\"\$contents\""
scripts=$(ls "$root"/migrations/steam_rec--*.sql | wc -l)
assert_equal "it holds every extension script" "$scripts" "$(grep -c "^.$extdir/steam_rec--.*\.sql$" <<<"$contents")"
depends=$(dpkg-deb -f "$deb" Depends)
assert_true "it depends on postgresql-15 ($depends)" "grep -q 'postgresql-15' <<<\"\$depends\""

# Install it the way users do.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL apt-get install failed" >&2; exit 1; }
assert_equal "apt-get installed it" "install ok installed" "$(dpkg-query -W -f='${Status}' postgresql-15-steam-rec)"
assert_equal "the library on the system is the package's" "postgresql-15-steam-rec: $libdir/steam_rec.so" \
  "$(dpkg -S "$libdir/steam_rec.so")"

# CREATE EXTENSION from the package in a throwaway cluster, and use it.
pg_dropcluster --stop 15 $cluster 2>/dev/null || true
port=5460
while pg_lsclusters -h | awk '{print $3}' | grep -qx "$port" || ss -ltn | grep -q ":$port "; do port=$((port + 1)); done
pg_createcluster 15 $cluster -p "$port" -- --auth=trust >/dev/null
pg_ctlcluster 15 $cluster start
export PGHOST=/var/run/postgresql PGPORT=$port PGUSER=postgres
unset PGPASSWORD PGDATABASE
createdb steam_rec_package
psql_in steam_rec_package <<< "CREATE EXTENSION steam_rec;"
assert_equal "CREATE EXTENSION steam_rec installs $version from the package" "$version $version" \
  "$(psql_value steam_rec_package "SELECT extversion || ' ' || steam_rec.version() FROM pg_extension WHERE extname = 'steam_rec'")"
psql -X -q -v ON_ERROR_STOP=1 -d steam_rec_package -f "$root/tools/sample_data.sql" >/dev/null
PGOPTIONS='-c client_min_messages=warning' psql_value steam_rec_package "CALL steam_rec.maintain()"
assert_equal "maintain() trains and activates a model" "succeeded activated" \
  "$(psql_value steam_rec_package "SELECT status || ' ' || decision FROM steam_rec.maintenance_log")"
assert_equal "recommend() serves from it" "5" \
  "$(psql_value steam_rec_package "SELECT count(*) FROM steam_rec.recommend((SELECT min(steam_id) FROM steam_rec.users), 5)")"
pg_dropcluster --stop 15 $cluster

# Remove it: nothing of it is left.
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q postgresql-15-steam-rec >"$work/remove.log" 2>&1 ||
  { cat "$work/remove.log"; echo "FAIL apt-get purge failed" >&2; exit 1; }
assert_equal "the package is gone" "" "$(dpkg-query -W -f='${Status}' postgresql-15-steam-rec 2>/dev/null || true)"
left=$(ls "$libdir/steam_rec.so" "$extdir"/steam_rec* 2>/dev/null || true)
assert_equal "none of its files is left" "" "$left"
