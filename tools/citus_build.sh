#!/usr/bin/env bash
# Makes citus.so available to the installed PostgreSQL 15: does nothing when it
# is already installed (users install Citus from its own packages), else builds
# the vendored release tarball in a cache outside the repository and installs it.
# Exits 3 with one line when neither citus.so nor the tarball is available.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=13.2.2
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
CACHE=${STEAM_REC_CITUS_CACHE:-/var/cache/steam_rec}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; then
  echo "citus.so present"
  exit 0
fi

# The tarball: named by the environment, else the project's vendored copy.
tarball=${STEAM_REC_CITUS_TARBALL:-}
if [ -z "$tarball" ]; then
  for candidate in "$ROOT/../shared/vendor/citus-$VERSION.tar.gz" "/work/shared/vendor/citus-$VERSION.tar.gz"; do
    if [ -f "$candidate" ]; then tarball=$candidate; break; fi
  done
fi
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
  echo "citus: skipped (no citus.so and no citus-$VERSION.tar.gz; set STEAM_REC_CITUS_TARBALL)"
  exit 3
fi

# Only headers and compression libraries the build links against.
for package in postgresql-server-dev-15 libzstd-dev liblz4-dev libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || {
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends \
      postgresql-server-dev-15 libzstd-dev liblz4-dev libkrb5-dev
    break
  }
done

as_root mkdir -p "$CACHE"
source_dir="$CACHE/citus-$VERSION"
if [ ! -f "$source_dir/src/backend/distributed/citus.so" ]; then
  echo "building Citus $VERSION in $source_dir (a few minutes)"
  as_root rm -rf "$source_dir"
  as_root tar xzf "$tarball" -C "$CACHE"
  cd "$source_dir"
  # PostgreSQL 15.18 exports have_createdb_privilege(); Citus 13.2.2 still
  # defines a static copy of its own for PostgreSQL 15, which no longer compiles.
  as_root sed -i 's/^have_createdb_privilege(void)$/citus_pg15_have_createdb_privilege_unused(void)/' \
    src/include/pg_version_compat.h
  as_root ./configure -q --without-libcurl PG_CONFIG="$PG_CONFIG" >/dev/null
  # with_llvm=no skips the JIT bitcode, which would need clang.
  as_root make -s -j"$(nproc)" with_llvm=no >/dev/null
fi
cd "$source_dir"
as_root make -s install with_llvm=no >/dev/null
echo "citus.so installed from $source_dir"
