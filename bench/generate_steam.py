#!/usr/bin/python3
"""A deterministic synthetic Steam: players, games, tags and owned games, loaded with COPY.

Shaped like the real data in ../shared/data/steam (steam-200k: about 45% of owned games
never played, played hours with a median of a few hours and a long tail, a handful of
games owned by a large share of players, most libraries small and a few huge), plus what
that data cannot show at scale:

  taste clusters  every game belongs to one of 24 genres; a player has a main and a
                  second genre and draws 60% / 15% of the library from them (the rest
                  from the whole catalog), and plays in-genre games more and longer;
  tags            each genre has 8 characteristic tags that lead its games' tag lists,
                  followed by tags shared across genres ("Indie", "Singleplayer", ...);
  popularity      within a genre and overall, a game's draw weight falls as 1/rank;
  libraries       P(size >= n) = n^-0.7, capped (median 2; mean 15 at S, 19 at L);
  playtime        each game has a typical playtime (log-uniform, 6 minutes to 100 hours)
                  and a share of owners who never played it; hours are log-normal around
                  the typical value; 5% of played games were played in the last two weeks.

The same seed and scale give the same rows (numpy's PCG64). Owned games are sent as
binary COPY in chunks, with the engagement trigger disabled (the bulk-load recipe of the
README); run steam_rec.refresh_engagement() afterwards.

  generate_steam.py --scale S|M|L [--seed N] [--dbname DB]
"""
import argparse
import datetime
import io
import struct
import sys
import time

import numpy as np
import psycopg2

# players, catalog games
SCALES = {"S": (10_000, 4_000), "M": (100_000, 12_000), "L": (1_000_000, 40_000)}
GENRES = 24
GENRE_TAGS = 8
SHARED_TAGS = ["Indie", "Singleplayer", "Multiplayer", "Casual", "Great Soundtrack", "Atmospheric",
               "2D", "Early Access", "Free to Play", "Story Rich", "Co-op", "Difficult", "Pixel Graphics",
               "Open World", "Funny", "Classic", "Controller", "Sci-fi", "Fantasy", "Retro"]
MAX_LIBRARY = 2000
FIRST_STEAM_ID = 76561197960265728
POSTGRES_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
SNAPSHOT = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
COPY_CHUNK = 1_000_000


class Catalog:
    def __init__(self, rng, games):
        self.games = games
        genre_share = 1.0 / np.arange(1, GENRES + 1) ** 0.7
        genre_share /= genre_share.sum()
        # Games are numbered genre by genre, so each genre is one slice of the arrays.
        self.genre = np.sort(rng.choice(GENRES, size=games, p=genre_share))
        self.genre_start = np.searchsorted(self.genre, np.arange(GENRES + 1))
        self.weight = np.empty(games)
        for g in range(GENRES):
            lo, hi = self.genre_start[g], self.genre_start[g + 1]
            self.weight[lo:hi] = 1.0 / rng.permutation(np.arange(1, hi - lo + 1))
        # Per genre, cumulative weights scaled into [g, g + 1): one sorted array
        # answers "the game at quantile u of genre g" as searchsorted(g + u).
        self.genre_cdf = np.empty(games)
        for g in range(GENRES):
            lo, hi = self.genre_start[g], self.genre_start[g + 1]
            cdf = np.cumsum(self.weight[lo:hi])
            self.genre_cdf[lo:hi] = g + cdf / cdf[-1] * (1 - 1e-12)
        self.overall_cdf = np.cumsum(self.weight) / self.weight.sum()
        self.typical_hours = np.exp(rng.uniform(np.log(0.1), np.log(100), games))
        self.unplayed_share = rng.beta(2.6, 2.2, games)
        self.appid = rng.permutation(games) * 10 + 10  # Steam-like appids: 10, 20, ...

    def draw_in_genre(self, genres, u):
        return np.minimum(np.searchsorted(self.genre_cdf, genres + u, side="right"), self.games - 1)

    def draw_overall(self, u):
        return np.minimum(np.searchsorted(self.overall_cdf, u, side="right"), self.games - 1)


def owned_games(rng, catalog, players):
    """Arrays (player, game index, hours, two-week hours, days since last played), one row
    per owned game, sorted by player then game."""
    size = np.minimum(np.floor((1 - rng.random(players)) ** (-1 / 0.7)), min(MAX_LIBRARY, catalog.games // 2))
    size = size.astype(np.int64)
    main_genre = rng.choice(GENRES, size=players, p=np.bincount(catalog.genre, minlength=GENRES) / catalog.games)
    second_genre = rng.integers(0, GENRES, players)
    player = np.repeat(np.arange(players), size)
    source = rng.random(player.size)
    genre = np.where(source < 0.60, main_genre[player], second_genre[player])
    u = rng.random(player.size)
    game = np.where(source < 0.75, catalog.draw_in_genre(genre, u), catalog.draw_overall(u))
    key = np.unique(player * catalog.games + game)  # drop repeated draws; sorts by player, game
    player, game = key // catalog.games, key % catalog.games
    del key, source, genre, u

    in_taste = catalog.genre[game] == main_genre[player]
    unplayed = rng.random(game.size) < catalog.unplayed_share[game] * np.where(in_taste, 0.6, 1.0)
    hours = catalog.typical_hours[game] * np.exp(rng.normal(0.0, 1.0, game.size)) * np.where(in_taste, 1.5, 1.0)
    hours = np.where(unplayed, 0.0, np.maximum(0.1, np.round(hours, 1)))
    recent = ~unplayed & (rng.random(game.size) < 0.05)
    two_weeks = np.where(recent, np.round(np.minimum(hours, rng.uniform(0.1, 40.0, game.size)), 1), 0.0)
    days_ago = np.where(recent, rng.uniform(0, 14, game.size), rng.exponential(200.0, game.size) + 14)
    return player, game, hours, two_weeks, days_ago, unplayed


def copy_text(cur, table, columns, lines):
    cur.copy_expert(f"COPY steam_rec.{table} ({columns}) FROM STDIN", io.StringIO("".join(lines)))


def binary_copy(cur, table, columns, fields):
    """COPY ... FROM STDIN (FORMAT binary) of fixed-width columns: fields is a list of
    (big-endian numpy dtype, array); NULLs are not needed by the callers."""
    rows = fields[0][1].size
    dtype = [("count", ">i2")]
    for i, (kind, _) in enumerate(fields):
        dtype += [(f"len{i}", ">i4"), (f"val{i}", kind)]
    for start in range(0, rows, COPY_CHUNK):
        stop = min(rows, start + COPY_CHUNK)
        record = np.empty(stop - start, dtype=dtype)
        record["count"] = len(fields)
        for i, (kind, values) in enumerate(fields):
            record[f"len{i}"] = np.dtype(kind).itemsize
            record[f"val{i}"] = values[start:stop]
        payload = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0) + record.tobytes() + struct.pack(">h", -1)
        cur.copy_expert(f"COPY steam_rec.{table} ({columns}) FROM STDIN (FORMAT binary)", io.BytesIO(payload))


def load(conn, scale, seed):
    players, games = SCALES[scale]
    rng = np.random.default_rng(seed)
    catalog = Catalog(rng, games)
    player, game, hours, two_weeks, days_ago, unplayed = owned_games(rng, catalog, players)

    genre_tags = [[f"Genre {g + 1} {kind}" for kind in ("core", "setting", "mechanics", "mood", "style",
                                                         "pace", "theme", "camera")] for g in range(GENRES)]
    tag_lines = []
    for i in range(games):
        own = genre_tags[catalog.genre[i]]
        count = min(20, 3 + rng.poisson(2.5))
        from_genre = min(len(own), max(2, count - 3))
        chosen = list(rng.choice(own, size=from_genre, replace=False, p=_falling(len(own))))
        chosen += list(rng.choice(SHARED_TAGS, size=count - from_genre, replace=False, p=_falling(len(SHARED_TAGS))))
        tag_lines += [f"{catalog.appid[i]}\t{tag}\t{position}\n" for position, tag in enumerate(chosen, 1)]

    released = rng.integers(0, 365 * 20, games)
    price = np.where(rng.random(games) < 0.1, 0, rng.choice([499, 999, 1499, 1999, 2999, 5999], games))
    catalog_lines = [f"{catalog.appid[i]}\tSynthetic game {catalog.appid[i]}\t"
                     f"{datetime.date(2006, 1, 1) + datetime.timedelta(days=int(released[i]))}\t{price[i]}\t"
                     f"{'t' if price[i] == 0 else 'f'}\n" for i in range(games)]
    user_lines = [f"{FIRST_STEAM_ID + p}\tsynthetic_{p}\n" for p in range(players)]

    started = time.perf_counter()
    with conn.cursor() as cur:
        copy_text(cur, "users", "steam_id, username", user_lines)
        copy_text(cur, "catalog_cache", "appid, name, release_date, price_cents, is_free", catalog_lines)
        copy_text(cur, "game_tags", "appid, tag_name, position", tag_lines)
        cur.execute("ALTER TABLE steam_rec.user_games DISABLE TRIGGER user_games_engagement")
        epoch_offset_us = int((SNAPSHOT - POSTGRES_EPOCH).total_seconds() * 1e6)
        last_played = epoch_offset_us - (days_ago * 86400e6).astype(np.int64)
        steam_id = FIRST_STEAM_ID + player
        appid = catalog.appid[game]
        played = ~unplayed
        binary_copy(cur, "user_games", "user_steam_id, appid, playtime_hours, playtime_2weeks_hours, last_played",
                    [(">i8", steam_id[played]), (">i4", appid[played]), (">f8", hours[played]),
                     (">f8", two_weeks[played]), (">i8", last_played[played])])
        binary_copy(cur, "user_games", "user_steam_id, appid", [(">i8", steam_id[unplayed]), (">i4", appid[unplayed])])
        cur.execute("ALTER TABLE steam_rec.user_games ENABLE TRIGGER user_games_engagement")
    conn.commit()
    return {"players": players, "games": games, "owned": int(player.size), "tags": len(tag_lines),
            "unplayed_share": float(unplayed.mean()), "load_seconds": time.perf_counter() - started}


def _falling(n):
    """Choice weights 1/rank: the first tags of a list are the likeliest."""
    weight = 1.0 / np.arange(1, n + 1)
    return weight / weight.sum()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dbname", default="")
    args = parser.parse_args()
    started = time.perf_counter()
    conn = psycopg2.connect(dbname=args.dbname) if args.dbname else psycopg2.connect("")
    stats = load(conn, args.scale, args.seed)
    with conn.cursor() as cur:
        cur.execute("ANALYZE steam_rec.users, steam_rec.catalog_cache, steam_rec.game_tags, steam_rec.user_games")
    conn.commit()
    conn.close()
    print(f"scale {args.scale}: {stats['players']:,} players, {stats['games']:,} games, {stats['owned']:,} owned games "
          f"({stats['unplayed_share']:.0%} unplayed), {stats['tags']:,} tags; COPY {stats['load_seconds']:.1f} s, "
          f"total {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
