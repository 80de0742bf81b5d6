#!/usr/bin/python3
"""steam_rec from Python: psycopg2 with plain SQL, as an application would use it.

Connects with the libpq environment pg_virtualenv sets (PGHOST, PGPORT, ...).
"""
import math
import sys
import unittest

import psycopg2
import psycopg2.errors

DATABASE = "steam_rec_psycopg"


def connect(dbname):
    connection = psycopg2.connect(dbname=dbname)
    connection.autocommit = False
    return connection


class PsycopgClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        admin = connect("postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            cur.execute(f"CREATE DATABASE {DATABASE}")
        admin.close()
        cls.db = connect(DATABASE)
        with cls.db, cls.db.cursor() as cur:
            cur.execute("CREATE EXTENSION steam_rec")

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        admin = connect("postgres")
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.close()

    def test_round_trip_of_a_players_library(self):
        games = [(10, 12.5), (620, 0.0), (400, 3.25)]
        with self.db, self.db.cursor() as cur:
            cur.execute(
                "INSERT INTO steam_rec.users (steam_id, username, country) VALUES (%s, %s, %s)",
                (76561197960265729, "gabe", "US"),
            )
            cur.executemany(
                "INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)"
                " VALUES (%s, %s, %s)",
                [(76561197960265729, appid, hours) for appid, hours in games],
            )
        with self.db, self.db.cursor() as cur:
            cur.execute(
                "SELECT appid, playtime_hours FROM steam_rec.user_games"
                " WHERE user_steam_id = %s ORDER BY playtime_hours DESC",
                (76561197960265729,),
            )
            self.assertEqual(cur.fetchall(), sorted(games, key=lambda g: -g[1]))

    def test_bad_playtime_is_a_check_violation_and_writes_nothing(self):
        with self.db, self.db.cursor() as cur:
            cur.execute(
                "INSERT INTO steam_rec.users (steam_id, username) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (76561197960265730, "erik"),
            )
        for bad in (-1.0, math.nan, math.inf):
            with self.subTest(playtime=bad):
                with self.assertRaises(psycopg2.errors.CheckViolation) as raised:
                    with self.db, self.db.cursor() as cur:
                        cur.execute(
                            "INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)"
                            " VALUES (%s, %s, %s)",
                            (76561197960265730, 570, bad),
                        )
                self.assertIn("playtime_hours_must_be_finite", str(raised.exception))
        with self.db, self.db.cursor() as cur:
            cur.execute("SELECT count(*) FROM steam_rec.user_games WHERE user_steam_id = %s",
                        (76561197960265730,))
            self.assertEqual(cur.fetchone()[0], 0)

    def test_version_and_boundary_errors_reach_the_client(self):
        with self.db, self.db.cursor() as cur:
            cur.execute("SELECT steam_rec.version()")
            self.assertRegex(cur.fetchone()[0], r"^\d+\.\d+$")
        with self.assertRaises(psycopg2.errors.InvalidParameterValue):
            with self.db, self.db.cursor() as cur:
                cur.execute("SELECT steam_rec.boundary_selftest('invalid_argument')")
        with self.db, self.db.cursor() as cur:  # the connection is still usable
            cur.execute("SELECT steam_rec.boundary_selftest('none')")
            self.assertAlmostEqual(cur.fetchone()[0], 16 / 9)


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
