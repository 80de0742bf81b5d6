#!/usr/bin/python3
"""Speed-up of train() from threads, on an existing database of steam_rec data.

For each algorithm, train() once with steam_rec.max_threads = 1 and once with
every --threads value; prints a markdown table of seconds and ratios (one run
each, as the machine allows: run it under the shared lock, keep it short).

    bench/threads_bench.py --dbname DB [--threads 2] [--algorithms itemknn,ease,...]
                           [--params ALGORITHM=JSON ...]
"""
import argparse
import time

import psycopg2

def trained_in(db, algorithm, params, threads):
    """Seconds train(algorithm, params) takes on `threads` threads."""
    with db.cursor() as cur:
        cur.execute("SET steam_rec.max_threads = %s", (threads,))
        started = time.perf_counter()
        cur.execute("SELECT steam_rec.train(%s, %s)", (algorithm, params))
        seconds = time.perf_counter() - started
    db.commit()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dbname", required=True)
    parser.add_argument("--threads", type=lambda s: [int(x) for x in s.split(",")], default=[2])
    parser.add_argument("--algorithms", type=lambda s: s.split(","), default=None,
                        help="comma separated; default: every algorithm steam_rec.algorithms() lists")
    parser.add_argument("--params", action="append", default=[], help="ALGORITHM=JSON, e.g. ials={\"iterations\": 3}")
    args = parser.parse_args()
    params = dict(p.split("=", 1) for p in args.params)
    db = psycopg2.connect(dbname=args.dbname)
    if args.algorithms is None:
        with db.cursor() as cursor:
            cursor.execute("SELECT name FROM steam_rec.algorithms()")
            args.algorithms = [name for (name,) in cursor.fetchall()]
    header = "| algorithm | params | 1 thread s | " + " | ".join(f"{t} threads s | speed-up" for t in args.threads) + " |"
    print(header)
    print("| --- | --- | ---: | " + " | ".join("---: | ---:" for _ in args.threads) + " |")
    for algorithm in args.algorithms:
        given = params.get(algorithm, "{}")
        one = trained_in(db, algorithm, given, 1)
        cells = []
        for threads in args.threads:
            many = trained_in(db, algorithm, given, threads)
            cells.append(f"{many:.2f} | {one / many:.2f}x")
        print(f"| `{algorithm}` | `{given}` | {one:.2f} | " + " | ".join(cells) + " |", flush=True)
    db.close()


if __name__ == "__main__":
    main()
