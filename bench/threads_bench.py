#!/usr/bin/python3
"""Speed-up from threads of train() and refresh_recommendations(), on an existing database of steam_rec data.

For each algorithm, train() with steam_rec.max_threads = 1 and with every
--threads value, interleaved (1, N, 1, N, ...) --repeats times; with
--refresh also refresh_recommendations() of every player with the active
model.  Prints a markdown table of median seconds and the ratio of medians.
The machine is shared and noisy: interleaving spreads the noise over both.

    bench/threads_bench.py --dbname DB [--threads 2] [--repeats 3] [--algorithms itemknn,ease,...]
                           [--params ALGORITHM=JSON ...] [--refresh] [--k 20]
"""
import argparse
import statistics
import time

import psycopg2


def timed(db, sql, args, threads):
    """Seconds `sql` takes on `threads` threads (committed, as a job would be)."""
    with db.cursor() as cur:
        cur.execute("SET steam_rec.max_threads = %s", (threads,))
        started = time.perf_counter()
        cur.execute(sql, args)
        seconds = time.perf_counter() - started
    db.commit()
    return seconds


def row(db, label, given, sql, args, threads, repeats):
    """Median seconds on 1 thread and on each of `threads`, runs interleaved."""
    runs = {t: [] for t in [1] + threads}
    for _ in range(repeats):
        for t in [1] + threads:
            runs[t].append(timed(db, sql, args, t))
    one = statistics.median(runs[1])
    cells = [f"{statistics.median(runs[t]):.2f} | {one / statistics.median(runs[t]):.2f}x" for t in threads]
    print(f"| `{label}` | `{given}` | {one:.2f} | " + " | ".join(cells) + " |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dbname", required=True)
    parser.add_argument("--threads", type=lambda s: [int(x) for x in s.split(",")], default=[2])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--algorithms", type=lambda s: s.split(","), default=None,
                        help="comma separated; default: every algorithm steam_rec.algorithms() lists; '' for none")
    parser.add_argument("--params", action="append", default=[], help="ALGORITHM=JSON, e.g. ials={\"iterations\": 3}")
    parser.add_argument("--refresh", action="store_true", help="also time refresh_recommendations() of every player")
    parser.add_argument("--k", type=int, default=20)
    args = parser.parse_args()
    params = dict(p.split("=", 1) for p in args.params)
    db = psycopg2.connect(dbname=args.dbname)
    if args.algorithms is None:
        with db.cursor() as cursor:
            cursor.execute("SELECT name FROM steam_rec.algorithms()")
            args.algorithms = [name for (name,) in cursor.fetchall()]
    args.algorithms = [a for a in args.algorithms if a]
    header = "| job | params | 1 thread s | " + " | ".join(f"{t} threads s | speed-up" for t in args.threads) + " |"
    print(f"medians of {args.repeats} interleaved runs")
    print(header)
    print("| --- | --- | ---: | " + " | ".join("---: | ---:" for _ in args.threads) + " |")
    for algorithm in args.algorithms:
        given = params.get(algorithm, "{}")
        row(db, algorithm, given, "SELECT steam_rec.train(%s, %s)", (algorithm, given), args.threads, args.repeats)
    if args.refresh:
        row(db, "refresh_recommendations", f"k={args.k}", "SELECT steam_rec.refresh_recommendations(k => %s)",
            (args.k,), args.threads, args.repeats)
    db.close()


if __name__ == "__main__":
    main()
