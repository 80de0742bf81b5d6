#!/usr/bin/python3
"""What a word in nearly every name costs train(): the lendings by name words.

    bench/name_word_lending_cost.py --dbname DB [--games 40000] [--repeats 3]

Creates steam_rec in DB (which must exist and not have it) and fills it with a
catalog of GAMES games: the first half owned (each by three of GAMES * 3 / 40
players, 20 games each), the second half new (tags only), 50 tags, every name
"Journey <a word of its own>" and one more catalog row without "journey", so
the word's IDF is just above 0.  Then times, interleaved REPEATS times:

  common      train('hybrid') over itemknn with name_word_weight 15 (default)
  no words    the same with name_word_weight 0
  own words   name_word_weight 15 with "journey" taken out of every name
  many words  name_word_weight 15, each name its own word and 16 of 65
              shared words (each shared word in about a quarter of the names)

Lending by a word costs the owned games that have it times the new games that
have it; the commonest words are left out of the names (lending_words()), so
"common" and "many words" should cost about what "own words" does.  Prints medians and their ratios
to "no words".  The studio, series and release-date lendings are off, so only
the names' words differ.  DB is left with the data for a look.
"""
import argparse
import statistics
import time

import psycopg2

BASE_PARAMS = '"base": "itemknn", "studio_weight": 0, "series_weight": 0, "release_years_scale": 0'


def fill(cur, games):
    owned = games // 2
    players = owned * 3 // 20
    cur.execute("CREATE EXTENSION steam_rec CASCADE")
    cur.execute(
        """INSERT INTO steam_rec.catalog_cache (appid, name)
           SELECT g, 'Journey q' || translate(g::text, '0123456789', 'abcdefghij')
             FROM generate_series(1, %s) g""",
        (games,),
    )
    cur.execute("INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (%s, 'Other Thing')", (games + 1,))
    cur.execute(
        """INSERT INTO steam_rec.game_tags (appid, tag_name, position)
           SELECT DISTINCT ON (g, t) g, 'tag ' || t, p
             FROM generate_series(1, %s) g,
                  LATERAL (VALUES (g %% 50, 1), ((g / 50) %% 50, 2), ((g * 7) %% 50, 3)) AS v(t, p)
            ORDER BY g, t, p""",
        (games,),
    )
    cur.execute(
        "INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player ' || p FROM generate_series(1, %s) p",
        (players,),
    )
    cur.execute(
        """INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
           SELECT p, (p * 20 + j) %% %s + 1, 1 + (p + j) %% 7
             FROM generate_series(1, %s) p, generate_series(0, 19) j""",
        (owned, players),
    )
    cur.execute("SELECT steam_rec.refresh_engagement()")


def timed_train(cur, name_word_weight):
    params = '{%s, "name_word_weight": %s}' % (BASE_PARAMS, name_word_weight)
    start = time.monotonic()
    cur.execute("SELECT steam_rec.train('hybrid', %s::jsonb)", (params,))
    return time.monotonic() - start


def set_names(cur, kind):
    """'common': "Journey <own word>"; 'own': "<own word>"; 'many': "<own
    word>" and 16 of 65 shared words."""
    cur.execute("UPDATE steam_rec.catalog_cache SET name = 'q' || translate(appid::text, '0123456789', 'abcdefghij')"
                " WHERE name <> 'Other Thing'")
    if kind == "common":
        cur.execute("UPDATE steam_rec.catalog_cache SET name = 'Journey ' || name WHERE name <> 'Other Thing'")
    elif kind == "many":
        cur.execute(
            """UPDATE steam_rec.catalog_cache SET name = name || (
                 SELECT string_agg(' w' || translate(((appid + 4 * i) % 65)::text, '0123456789', 'abcdefghij'), '')
                   FROM generate_series(0, 15) AS i)
                WHERE name <> 'Other Thing'"""
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dbname", required=True)
    parser.add_argument("--games", type=int, default=40000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    conn = psycopg2.connect(dbname=args.dbname)
    conn.autocommit = True
    cur = conn.cursor()
    fill(cur, args.games)
    times = {"common": [], "no words": [], "own words": [], "many words": []}
    for _ in range(args.repeats):
        set_names(cur, "common")
        times["common"].append(timed_train(cur, 15))
        times["no words"].append(timed_train(cur, 0))
        set_names(cur, "own")
        times["own words"].append(timed_train(cur, 15))
        set_names(cur, "many")
        times["many words"].append(timed_train(cur, 15))
    set_names(cur, "common")
    base = statistics.median(times["no words"])
    print(f"{args.games} games, {args.repeats} rounds; median seconds of train(), ratio to no words")
    print("| variant | median s | runs | x no words |")
    print("| --- | ---: | --- | ---: |")
    for name, runs in times.items():
        median = statistics.median(runs)
        listed = ", ".join(f"{t:.2f}" for t in runs)
        print(f"| {name} | {median:.2f} | {listed} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
