#!/usr/bin/python3
"""Benchmark of the recommendation engine against the cheapest plain-PostgreSQL work.

Runs inside a throwaway cluster (bench/recommend.sh starts one). For each data set
(the real Steam data when present, and a synthetic set of --synthetic-rows draws):

  train       steam_rec.train('itemknn') with plain cosine (weighting none), several runs,
              against the same cosine in plain SQL (bench/itemknn_plain_sql.sql; skipped
              above --plain-sql-max-rows)
  default     steam_rec.train() (the hybrid), once
  refresh     steam_rec.refresh_recommendations(k => 10) for every player: players per second
  serve       pgbench, --clients clients, --seconds per run, runs in rotating order:
              recommend(k => 10) against reading the same player's 10 rows of
              steam_rec.recommendations, bare and with the games' names (what recommend()
              returns); median latency (from pgbench's per-transaction log) and
              transactions per second
  growth      train('itemknn') at each --growth size of synthetic data, with the fitted
              exponent of time against owned games (1.0 = linear)

Writes bench/results/recommend-<date>.md.
"""
import argparse
import datetime
import glob
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2

from engagement_bench import PeakMemory, psql

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def create(db):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", db], check=True)
    psql(db, "-c", "CREATE EXTENSION steam_rec")


def load_real(db, data):
    create(db)
    subprocess.run([os.path.join(ROOT, "tools", "load_steam_data.sh"), data, db], check=True)
    psql(db, "-c", "SELECT steam_rec.refresh_engagement()")


def load_synthetic(db, rows):
    create(db)
    psql(db, "-v", f"rows={rows}", "-f", os.path.join(HERE, "synthetic_steam.sql"))
    psql(db, "-c", "SELECT steam_rec.refresh_engagement()", "-c", "VACUUM ANALYZE")


def timed(db, sql):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    with conn.cursor() as cur, PeakMemory(conn.get_backend_pid()) as memory:
        start = time.perf_counter()
        cur.execute(sql)
        seconds = time.perf_counter() - start
        value = cur.fetchone()[0] if cur.description else None
    conn.close()
    return seconds, value, max(0, memory.peak_kb - memory.baseline_kb) / 1024


def value(db, sql):
    conn = psycopg2.connect(dbname=db)
    with conn.cursor() as cur:
        cur.execute(sql)
        result = cur.fetchone()[0]
    conn.close()
    return result


def steady_pgbench(db, script, clients, seconds, players):
    """pgbench over `seconds`; (median latency ms, transactions per second) once every
    client is past its first transaction, which in a fresh backend loads the model and
    is measured on its own (first_call)."""
    with tempfile.TemporaryDirectory() as logs:
        prefix = os.path.join(logs, "tx")
        subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)),
                        "-T", str(seconds), "-D", f"players={players}", "-f", script, "-l",
                        f"--log-prefix={prefix}", db], check=True, capture_output=True, text=True)
        transactions = []  # (client, number, latency us, end us)
        for path in glob.glob(prefix + "*"):
            with open(path) as log:
                for line in log:
                    client, number, latency, _, epoch, micros = line.split()[:6]
                    transactions.append((int(client), int(number), int(latency), int(epoch) * 10**6 + int(micros)))
    warm_from = max(end for _, number, _, end in transactions if number == 1)  # numbered from 1
    steady = [(latency, end) for _, number, latency, end in transactions if number > 1 and end > warm_from]
    window = (max(end for _, end in steady) - warm_from) / 1e6 if steady else 0
    if not steady or window <= 0:
        raise SystemExit(f"pgbench {script}: no transaction after every client's first one; raise --seconds")
    return statistics.median(latency for latency, _ in steady) / 1000.0, len(steady) / window


def spread(values, fmt="{:.3f}"):
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}"


def measure(db, label, args, rows):
    lines = [f"### {label}: {rows:,} owned games", ""]
    players = value(db, "SELECT count(*) FROM steam_rec.users")
    games = value(db, "SELECT count(DISTINCT appid) FROM steam_rec.user_games")
    lines.append(f"{players:,} players, {games:,} games owned by someone.\n")

    # Training: itemknn against the same cosine in plain SQL.
    knn = [timed(db, "SELECT steam_rec.train('itemknn', '{\"weighting\": \"none\"}')") for _ in range(args.runs)]
    knn_s = [s for s, _, _ in knn]
    lines += ["| training | median s | min–max s | peak backend memory | ratio |", "| --- | ---: | ---: | ---: | ---: |"]
    lines.append(f"| `train('itemknn', '{{\"weighting\": \"none\"}}')` | {statistics.median(knn_s):.2f} | {spread(knn_s, '{:.2f}')} | "
                 f"{max(m for _, _, m in knn):.0f} MiB | 1x |")
    if rows <= args.plain_sql_max_rows:
        plain = [timed(db, open(os.path.join(HERE, "itemknn_plain_sql.sql")).read()) for _ in range(args.plain_sql_runs)]
        plain_s = [s for s, _, _ in plain]
        lines.append(f"| the same cosine in plain SQL (self-join) | {statistics.median(plain_s):.2f} | "
                     f"{spread(plain_s, '{:.2f}')} | {max(m for _, _, m in plain):.0f} MiB | "
                     f"{statistics.median(plain_s) / statistics.median(knn_s):.0f}x slower |")
    else:
        lines.append("| the same cosine in plain SQL (self-join) | not run at this size | | | |")
    hybrid_s, model, hybrid_mb = timed(db, "SELECT steam_rec.train()")
    lines.append(f"| `train()` (hybrid, the default) | {hybrid_s:.2f} | | {hybrid_mb:.0f} MiB | |")
    lines.append("")

    refresh_s, written, refresh_mb = timed(db, "SELECT steam_rec.refresh_recommendations(k => 10)")
    lines.append(f"`refresh_recommendations(k => 10)` for all {players:,} players: {refresh_s:.1f} s, "
                 f"{players / refresh_s:,.0f} players/s, {written:,} rows, peak backend memory +{refresh_mb:.0f} MiB.\n")

    psql(db, "-c", "DROP TABLE IF EXISTS public.bench_players",
         "-c", "CREATE TABLE public.bench_players AS SELECT row_number() OVER (ORDER BY steam_id)::int AS i, steam_id"
               " FROM steam_rec.users",
         "-c", "ALTER TABLE public.bench_players ADD PRIMARY KEY (i)", "-c", "VACUUM ANALYZE")
    cache = value(db, "SELECT (steam_rec.model_cache_bytes()).shared_bytes + (steam_rec.model_cache_bytes()).private_bytes"
                      " FROM (SELECT count(*) FROM steam_rec.recommend("
                      "(SELECT steam_id FROM public.bench_players WHERE i = 1))) AS warm")
    names = ["precomputed", "precomputed_named", "recommend"]
    serve = {name: [] for name in names}
    for run in range(args.runs):
        order = names[run % 3:] + names[:run % 3]
        for name in order:
            median_ms, tps = steady_pgbench(db, os.path.join(HERE, "pgbench", f"{name}.sql"), args.clients,
                                            args.seconds, players)
            serve[name].append((median_ms, tps))
            print(f"  run {run + 1} {name:11s} median {median_ms:.3f} ms  {tps:,.0f} tps", flush=True)
    bare = statistics.median(m for m, _ in serve["precomputed"])
    named = statistics.median(m for m, _ in serve["precomputed_named"])
    lines += [f"Serving, pgbench with {args.clients} clients, {args.runs} runs of {args.seconds} s in rotating order:",
              "", "| query | median latency ms | min–max of run medians | ratio to bare rows | ratio to rows with names "
              "| transactions/s (median) |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, title in (("precomputed", "10 precomputed rows of `recommendations`"),
                        ("precomputed_named", "the same rows joined to `catalog_cache` for names"),
                        ("recommend", "`recommend(steam_id, k => 10)`")):
        medians = [m for m, _ in serve[name]]
        median = statistics.median(medians)
        lines.append(f"| {title} | {median:.3f} | {spread(medians)} | {median / bare:.2f}x | {median / named:.2f}x | "
                     f"{statistics.median(t for _, t in serve[name]):,.0f} |")
    lines.append(f"\nOne backend holds {cache / 1048576:.1f} MiB for the active model (`model_cache_bytes()`).\n")
    return "\n".join(lines) + "\n"


def growth(args):
    points = []
    for draws in args.growth:
        load_synthetic("bench_growth", draws)
        rows = value("bench_growth", "SELECT count(*) FROM steam_rec.user_games")
        seconds = statistics.median(timed("bench_growth", "SELECT steam_rec.train('itemknn')")[0]
                                    for _ in range(args.runs))
        points.append((rows, seconds))
        print(f"  growth {rows:,} rows: {seconds:.2f} s", flush=True)
    lines = ["### How `train('itemknn')` grows", "", "| owned games | median s |", "| ---: | ---: |"]
    lines += [f"| {rows:,} | {seconds:.2f} |" for rows, seconds in points]
    (r0, s0), (r1, s1) = points[0], points[-1]
    lines.append(f"\nFitted exponent (time ∝ rows^e) from the smallest to the largest: "
                 f"e = {math.log(s1 / s0) / math.log(r1 / r0):.2f}.\n")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plain-sql-runs", type=int, default=1)
    parser.add_argument("--plain-sql-max-rows", type=int, default=2_000_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--synthetic-rows", type=int, default=0, help="0: no synthetic data set")
    parser.add_argument("--growth", type=lambda s: [int(x) for x in s.split(",")], default=[])
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "steam"))
    parser.add_argument("--output", default=os.path.join(HERE, "results", f"recommend-{datetime.date.today()}.md"))
    args = parser.parse_args()

    sections = []
    if os.path.exists(os.path.join(args.data, "user_games.csv")):
        print("real Steam data", flush=True)
        load_real("bench_real", args.data)
        sections.append(measure("bench_real", "Real Steam data (steam-200k)", args,
                                value("bench_real", "SELECT count(*) FROM steam_rec.user_games")))
    if args.synthetic_rows:
        print(f"synthetic data, {args.synthetic_rows:,} draws", flush=True)
        load_synthetic("bench_synthetic", args.synthetic_rows)
        sections.append(measure("bench_synthetic", "Synthetic", args,
                                value("bench_synthetic", "SELECT count(*) FROM steam_rec.user_games")))
    if args.growth:
        sections.append(growth(args))

    header = (f"# Recommendation engine benchmark, {datetime.date.today()}\n\n"
              f"{os.cpu_count()} cores. Produced by `bench/recommend.sh {' '.join(sys.argv[1:])}`.\n\n")
    with open(args.output, "w") as out:
        out.write(header + "\n".join(sections))
    print(open(args.output).read())


if __name__ == "__main__":
    sys.exit(main())
