#!/usr/bin/python3
"""Backend CPU per recommend() call, builds compared in one run, interleaved.

    bench/serving_cpu.py --library PATH/steam_rec.so --build before=A.so --build after=B.so
                         [--rounds 40] [--calls 500] [--dbname bench]

Runs against a database prepared as bench/serving_bench.py prepares one (public.bench_players).
Each build's library is renamed into place over --library and a backend is started that
loads it (and warms up: the image mapped, the caches filled); all of them stay open. Then,
per round, each backend in turn (order reversed every other round) makes --calls prepared
calls of recommend(steam_id, k => 10) for the same players, drawn with a fixed seed per
round. Its own time on CPU (/proc/<pid>/schedstat: user and system) over those calls,
divided by their number, is its CPU per call in that round. Prints the median per build
and the median of the per-round ratios to the first build. The backends run on one
machine at once, so a round's builds meet the same load; the rounds' spread shows the rest.
"""
import argparse
import os
import random
import shutil
import statistics

import psycopg2

PREPARE = ("PREPARE rec(int) AS SELECT * FROM steam_rec.recommend("
           "(SELECT steam_id FROM public.bench_players WHERE i = $1), k => 10)")


def on_cpu_ns(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


class Backend:
    def __init__(self, db, library, path, warm_calls, players):
        staged = library + ".staged"
        shutil.copyfile(path, staged)
        os.rename(staged, library)  # the backend started next loads it
        self.conn = psycopg2.connect(dbname=db)
        self.conn.autocommit = True
        self.cur = self.conn.cursor()
        self.cur.execute("SELECT pg_backend_pid()")
        self.pid = self.cur.fetchone()[0]
        self.cur.execute(PREPARE)
        draw = random.Random(0)
        self.calls([draw.randint(1, players) for _ in range(warm_calls)])

    def calls(self, ids):
        started = on_cpu_ns(self.pid)
        for i in ids:
            self.cur.execute("EXECUTE rec(%s)", (i,))
            self.cur.fetchall()
        return (on_cpu_ns(self.pid) - started) / len(ids) / 1000.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", required=True, help="the installed steam_rec.so the server loads")
    parser.add_argument("--build", action="append", required=True, help="NAME=PATH of a steam_rec.so")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warm", type=int, default=2000)
    parser.add_argument("--dbname", default="bench")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    builds = [b.split("=", 1) for b in args.build]
    conn = psycopg2.connect(dbname=args.dbname)
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM public.bench_players")
    players = cur.fetchone()[0]
    conn.close()
    backends = {name: Backend(args.dbname, args.library, path, args.warm, players) for name, path in builds}
    results = {name: [] for name, _ in builds}
    for round_ in range(args.rounds):
        draw = random.Random(args.seed + round_)
        ids = [draw.randint(1, players) for _ in range(args.calls)]
        order = builds if round_ % 2 == 0 else list(reversed(builds))
        for name, _ in order:
            results[name].append(backends[name].calls(ids))
    first = builds[0][0]
    base = statistics.median(results[first])
    for name, _ in builds:
        m = statistics.median(results[name])
        ratio = statistics.median(r / b for r, b in zip(results[name], results[first]))
        q = statistics.quantiles(results[name], n=4)
        print(f"{name}: median {m:.1f} µs per call (quartiles {q[0]:.1f}-{q[2]:.1f}, {len(results[name])} rounds"
              f" of {args.calls}); {m / base:.3f}x {first}, per-round ratio median {ratio:.3f}x", flush=True)


if __name__ == "__main__":
    main()
