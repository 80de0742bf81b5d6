#!/usr/bin/python3
"""Calls every function of steam_rec with random and adversarial arguments.

Runs against the libpq environment (inside pg_virtualenv). The functions are found in
pg_catalog, so a function added by a later version is fuzzed without changing this file.
Each call runs with a statement timeout; functions that change the extension itself
(migrate, adopt_alembic) run inside a transaction that is rolled back. While it runs,
another session keeps inserting, updating and deleting owned games.

Fails when: the connection is lost (a crashed backend restarts every connection), a call
ends in an internal error (SQLSTATE class XX: a bug, not bad input), a call runs well past
its statement timeout (it does not poll for cancellation), or a failed call changed a
table. Every twentieth call is a serving call at its limits (k = 1000, diversity near 1,
arrays of 500,000 elements full of duplicates and NULLs, thousands of repeated tags).
Prints the counts.

  test/fuzz/fuzz_functions.py [--calls N] [--seed S]
"""
import argparse
import collections
import hashlib
import random
import sys
import threading
import time

import psycopg2
import psycopg2.errors

DATABASE = "steam_rec_fuzz"
ROLLED_BACK = {"migrate", "adopt_alembic"}   # change the extension itself
SKIPPED = {"boundary_selftest"}               # fails on purpose; tested on its own

FIXTURE = """
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 30) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, (p * g) % 23 FROM generate_series(1, 60) AS p, generate_series(1, 30) AS g WHERE (p + g) % 4 = 0;
SELECT steam_rec.refresh_engagement();
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, t, 1 + (g + length(t)) % 5 FROM generate_series(1, 30) AS g,
       unnest('{Strategy,FPS,RPG,Indie,"Free to Play"}'::text[]) AS t WHERE (g + length(t)) % 3 = 0;
SELECT steam_rec.train('itemknn');
"""

# Tag names the content model must take as they come: empty, blank, the longest
# allowed, wide and combining characters, right-to-left marks, quotes, tabs.
ODD_TAGS = ["", " ", "ñ" * 100, "🎮" * 100, "ＳＴＥＡＭ", "e\u0301" * 50, "\u202e\u0645\u0631", "tab\there",
            "a\"b'c", "Strategy ", "strategy", "NULL", "\\N", "%s", "x" * 99]

ODD_JSON = ["{}", "[]", "null", "1", '"text"', "{bad json", '{"lambda": 1e400}', '{"lambda": -1}',
            '{"lambda": "NaN"}', '{"lambda": null}', '{"lambda": true}', '{"factors": 1e9}',
            '{"factors": 512, "iterations": 3}', '{"neighbors": 5000}', '{"alpha": 1e6, "regularization": 0}',
            '{"base": "ials"}', '{"base": 7}', '{"base": "content"}', '{"weighting": "bm25", "bm25_k1": 0}',
            '{"": 1}', '{"🎮": "ñ"}', '{"exponent": 2, "unobserved_weight": 1e-6}', '{"content_weight": 1}',
            '{"seed": -1}', '{"shrinkage": 1e9}', '{"lambda": 0.001}', '{"engagement_weight": 100}',
            '{"lambda": 0.001, "dropout": 0.95, "diagonal_relaxation": 1}', '{"dropout": 1}', '{"diagonal_relaxation": -0}',
            "[" * 500 + "]" * 500, '{"a": ' * 200 + "1" + "}" * 200,
            "{" + ", ".join(f'"k{i}": {i}' for i in range(2000)) + "}"]

ODD_TEXT = ["", " ", "head", "base", "current", "+1", "-1", "+999999999", "-0", "1.0", "1.1", "1.2",
            "9.9", "1..2", "1.2.3", "steam_rec--1.0.sql", "steam_rec--1.0--1.1.sql", "../../../etc/passwd",
            "steam_rec--1.0--1.1.sql/../x", "public", "pg_catalog", "steam_rec", "none", "bad_alloc",
            "'; DROP TABLE steam_rec.users; --", "\\", "%s%n%x", "ＳＴＥＡＭ", "ñ", "🎮" * 50, "\u202e\u0645",
            "a" * 10000, "x" * 1_000_000]


def random_text(rng):
    if rng.random() < 0.6:
        return rng.choice(ODD_TEXT)
    alphabet = "abc.+-_/ 0123456789'\"\\é🎮\u0000"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))).replace("\u0000", "")


def value_for(type_name, rng):
    """A random argument of the given SQL type, as a Python value (None is NULL)."""
    if rng.random() < 0.1:
        return None
    if type_name in ("smallint", "integer", "bigint"):
        limit = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}[type_name]
        return rng.choice([0, 1, -1, 2, 10, 20, 60, 1000, limit - 1, -limit,
                           rng.randint(-limit, limit - 1), rng.randint(-100, 100)])
    if type_name in ("double precision", "real", "numeric"):
        return rng.choice([0.0, -0.0, 1.0, -1.0, 0.5, 0.9, 0.99, 0.999, 336.0, 337.0, 1e308, -1e308, 5e-324, float("nan"),
                           float("inf"), float("-inf"), rng.uniform(-1e6, 1e6), rng.uniform(0, 100)])
    if type_name == "boolean":
        return rng.choice([True, False])
    if type_name == "text":
        return random_text(rng)
    if type_name == "text[]":
        shape = rng.random()
        if shape < 0.2:  # one tag repeated, in any case, with NULLs among the copies
            tag = rng.choice(["Strategy", "strategy", "STRATEGY", "FPS", "No such tag"])
            return [None if i % 97 == 0 else tag for i in range(rng.choice([100, 5000, 20000]))]
        if shape < 0.3:
            return [None] * rng.choice([1, 3, 1000])
        if shape < 0.4:  # many distinct names, most unknown
            return [f"tag {i}" for i in range(rng.choice([5000, 50000]))] + ["FPS"]
        return [random_text(rng) for _ in range(rng.choice([0, 1, 3, 1000]))]
    if type_name == "jsonb":
        return rng.choice(ODD_JSON)
    if type_name == "integer[]":
        shape = rng.random()
        if shape < 0.15:  # huge, full of duplicates and NULLs
            size = rng.choice([100_000, 500_000])
            return [None if i % 1013 == 0 else 1 + i % 30 for i in range(size)]
        if shape < 0.25:
            return [rng.choice([None, 7]) for _ in range(rng.choice([1000, 100_000]))]
        return rng.choice([[], [0], [-1], [2**31 - 1, -2**31], [None, 1], list(range(1, 31)), [5] * 100,
                           [rng.randint(-5, 40) for _ in range(1000)], [None]])
    if type_name == "bigint[]":
        return rng.choice([[], [1], [-1], [2**63 - 1, -2**63], [None, 1], list(range(1, 61)), [7] * 100,
                           [rng.randint(-5, 70) for _ in range(1000)], [None]])
    if type_name == "interval":
        return rng.choice(["0", "1 microsecond", "1 second", "-1 day", "7 days", "100 years", "178000000 years"])
    if type_name == "timestamp with time zone":
        return rng.choice(["infinity", "-infinity", "2026-11-01 00:00+00", "4713-01-01 00:00+00 BC",
                           "294276-12-31 23:59:59+00", "2000-01-01"])
    if type_name == "bytea":  # encoded partial sums: empty, short, random, and a count that wraps its size
        return rng.choice([b"", b"\x00", b"\xff" * 8, bytes(rng.randrange(256) for _ in range(rng.choice([1, 28, 1000]))),
                           (2**62).to_bytes(8, "little") * 4])
    raise KeyError(type_name)


# Serving calls at their limits (k = 1000, diversity near 1, huge and repeated
# inputs), mixed in with the random ones: each must end by itself or at the
# statement timeout.
def heavy_serving_call(rng):
    diversity = rng.choice([0.9, 0.99, 1.0])
    appids = [None if i % 101 == 0 else 1 + i % 30 for i in range(rng.choice([1000, 500_000]))]
    tags = ["strategy"] * rng.choice([1, 5000]) + [None, "FPS", "no such tag"]
    return rng.choice([
        ("recommend", "SELECT * FROM steam_rec.recommend(%s, k => 1000, diversity => %s, include_tags => %s,"
                      " exclude_appids => %s)", [rng.randint(1, 60), diversity, tags, appids]),
        ("recommend_for_games", "SELECT * FROM steam_rec.recommend_for_games(%s, k => 1000, diversity => %s,"
                                " exclude_tags => %s)", [appids, diversity, tags]),
    ])


STATEMENT_TIMEOUT = 5.0  # seconds
# A call may end this long after its statement timeout (slow, shared machines).
TIMEOUT_SLACK = 2.0


def fingerprint(cursor):
    cursor.execute("""SELECT string_agg(md5(t::text), '' ORDER BY t::text) FROM (
                          SELECT format('%s', u) AS t FROM steam_rec.users AS u
                          UNION ALL SELECT format('%s', g) FROM steam_rec.user_games AS g
                          UNION ALL SELECT format('%s', s) FROM steam_rec.game_stats AS s
                          UNION ALL SELECT format('%s', r) FROM steam_rec.recommendations AS r
                          UNION ALL SELECT format('%s %s', m.id, m.active) FROM steam_rec.models AS m) AS rows""")
    return hashlib.md5((cursor.fetchone()[0] or "").encode()).hexdigest()


def writer(stop, quiet, errors):
    """Another session changing the tables while the fuzzer runs; it pauses while
    the fuzzer holds `quiet` (to check that a failed call changed nothing)."""
    connection = psycopg2.connect(dbname=DATABASE)
    connection.autocommit = True
    rng = random.Random(7)
    with connection.cursor() as cur:
        while not stop.is_set():
            player, game = rng.randint(1, 60), rng.randint(1, 40)
            quiet.acquire()
            try:
                action = rng.random()
                if action < 0.1:
                    tag = rng.choice(ODD_TAGS)
                    cur.execute("DELETE FROM steam_rec.game_tags WHERE appid = %s AND tag_name = %s", (game % 30 + 1, tag))
                    if cur.rowcount == 0:
                        cur.execute("INSERT INTO steam_rec.game_tags (appid, tag_name, position) VALUES (%s, %s, %s)"
                                    " ON CONFLICT DO NOTHING", (game % 30 + 1, tag, rng.randint(1, 20)))
                elif action < 0.5:
                    cur.execute("INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)"
                                " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (player, game, rng.uniform(0, 50)))
                elif action < 0.8:
                    cur.execute("UPDATE steam_rec.user_games SET playtime_hours = playtime_hours + 1"
                                " WHERE user_steam_id = %s", (player,))
                else:
                    cur.execute("DELETE FROM steam_rec.user_games WHERE user_steam_id = %s AND appid = %s",
                                (player, game))
            except psycopg2.errors.DeadlockDetected:
                pass
            except psycopg2.Error as error:
                errors.append(f"writer: {error.pgcode} {error}")
            finally:
                quiet.release()
            time.sleep(0.002)
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cur.execute(f"CREATE DATABASE {DATABASE}")
    connection = psycopg2.connect(dbname=DATABASE)
    connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute(FIXTURE)
        for i, tag in enumerate(ODD_TAGS):
            cur.execute("INSERT INTO steam_rec.game_tags (appid, tag_name, position) VALUES (%s, %s, %s)",
                        (i * 7 % 30 + 1, tag, i + 1))
        cur.execute("SELECT steam_rec.train('content')")
        cur.execute(f"SET statement_timeout = '{int(STATEMENT_TIMEOUT * 1000)}ms'")
        cur.execute("""SELECT p.proname, array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t)
                         FROM pg_proc AS p
                        WHERE p.pronamespace = 'steam_rec'::regnamespace AND p.prokind = 'f'
                          AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
                        ORDER BY 1""")
        functions = [(name, types) for name, types in cur.fetchall() if name not in SKIPPED]

    stop, quiet, writer_errors = threading.Event(), threading.Lock(), []
    background = threading.Thread(target=writer, args=(stop, quiet, writer_errors))
    background.start()

    outcomes = collections.Counter()
    failures = []
    try:
        with connection.cursor() as cur:
            for call in range(args.calls):
                if call % 20 == 10:
                    name, sql, values = heavy_serving_call(rng)
                else:
                    name, types = rng.choice(functions)
                    values = [value_for(t, rng) for t in types]
                    placeholders = ", ".join(f"%s::{t}" for t in types)
                    sql = f"SELECT * FROM steam_rec.{name}({placeholders})"
                # Every fourth call runs with the writer paused, to check that a
                # call that fails leaves the tables as they were.
                checked = call % 4 == 0
                if checked:
                    quiet.acquire()
                before = fingerprint(cur) if checked else None
                rolled_back = name in ROLLED_BACK
                if rolled_back:
                    cur.execute("BEGIN")
                started = time.monotonic()
                try:
                    cur.execute(sql, values)
                    cur.fetchall()
                    outcomes[(name, "ok")] += 1
                except psycopg2.Error as error:
                    if connection.closed or error.pgcode is None:
                        failures.append(f"{name}{tuple(values)!r:.200}: the connection was lost: {error}")
                        break
                    code = error.pgcode
                    outcomes[(name, code)] += 1
                    if code.startswith("XX"):
                        failures.append(f"{name}{tuple(values)!r:.200}: internal error {code}: {error}")
                    if rolled_back:
                        cur.execute("ROLLBACK")
                        rolled_back = False
                    if checked and fingerprint(cur) != before:
                        failures.append(f"{name}{tuple(values)!r:.200}: failed but changed a table")
                finally:
                    if time.monotonic() - started > STATEMENT_TIMEOUT + TIMEOUT_SLACK:
                        failures.append(f"{name}{tuple(values)!r:.200}: ran {time.monotonic() - started:.1f} s, "
                                        f"past its {STATEMENT_TIMEOUT:.0f} s statement timeout")
                    if rolled_back:
                        cur.execute("ROLLBACK")
                    if checked:
                        quiet.release()
    finally:
        stop.set()
        background.join()

    total = sum(outcomes.values())
    errors = sum(n for (name, code), n in outcomes.items() if code != "ok")
    print(f"fuzzed {total} calls of {len(functions)} functions: {total - errors} succeeded, "
          f"{errors} refused with a SQL error, {len(failures)} failures")
    by_code = collections.Counter()
    for (name, code), n in outcomes.items():
        by_code[code] += n
    print("  outcomes by SQLSTATE: " + ", ".join(f"{code} {n}" for code, n in sorted(by_code.items())))
    for failure in failures[:20] + writer_errors[:20]:
        print("  FAIL " + failure)
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    return 1 if failures or writer_errors else 0


if __name__ == "__main__":
    sys.exit(main())
