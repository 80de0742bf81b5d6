#!/usr/bin/python3
"""Benchmark of refresh_engagement() against the cheapest plain-SQL work on the same rows.

Runs inside a throwaway cluster (bench/engagement.sh starts one). For each data set it
measures, several times in alternating order, with VACUUM and CHECKPOINT before each:

  noop       UPDATE user_games SET engagement_score = engagement_score  (every row)
  refresh    steam_rec.refresh_engagement() when every row's score changes (each stored
             score is first moved by 0.25, untimed)
  unchanged  steam_rec.refresh_engagement() when no score changes
  plain_sql  the same model as one SQL statement (bench/engagement_plain_sql.sql), every row changing

and reports medians, spreads, ratios to noop, and the backend's peak private memory
(RssAnon sampled every 10 ms; shared buffers are not counted).
"""
import argparse
import datetime
import os
import statistics
import subprocess
import sys
import threading
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def psql(db, *args):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, *args], check=True,
                   stdout=subprocess.DEVNULL)


class PeakMemory:
    """Samples a backend's private resident memory (RssAnon) while a statement runs."""

    def __init__(self, pid):
        self.pid, self.peak_kb, self.running = pid, 0, False

    def _read(self):
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("RssAnon:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _loop(self):
        while self.running:
            self.peak_kb = max(self.peak_kb, self._read())
            time.sleep(0.01)

    def __enter__(self):
        self.baseline_kb = self._read()
        self.running = True
        self.thread = threading.Thread(target=self._loop)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def timed(conn, sql):
    pid = conn.get_backend_pid()
    with conn.cursor() as cur, PeakMemory(pid) as memory:
        start = time.perf_counter()
        cur.execute(sql)
        rows = cur.fetchone()[0] if cur.description else cur.rowcount
        conn.commit()
        seconds = time.perf_counter() - start
    return seconds, rows, max(0, memory.peak_kb - memory.baseline_kb)


def settle(conn):
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM steam_rec.user_games")
        cur.execute("CHECKPOINT")
    conn.autocommit = False


def perturb_scores(conn):
    """Moves every stored score by 0.25 (keeping it in [0, 1] and its size), so
    that the next refresh must rewrite every row, as the no-op UPDATE does."""
    with conn.cursor() as cur:
        cur.execute("UPDATE steam_rec.user_games SET engagement_score = CASE WHEN engagement_score > 0.5"
                    " THEN engagement_score - 0.25 ELSE engagement_score + 0.25 END")
    conn.commit()


def measure(db, runs):
    plain_sql = open(os.path.join(HERE, "engagement_plain_sql.sql")).read()
    conn = psycopg2.connect(dbname=db)
    with conn.cursor() as cur:
        cur.execute("SELECT steam_rec.refresh_engagement()")
        cur.execute("SELECT count(*) FROM steam_rec.user_games")
        rows = cur.fetchone()[0]
    conn.commit()
    results = {name: [] for name in ("noop", "refresh", "unchanged", "plain_sql")}
    memory = {name: 0 for name in results}
    for run in range(runs):
        order = ["noop", "refresh", "unchanged", "plain_sql"]
        if run % 2:
            order.reverse()
        for name in order:
            if name in ("refresh", "plain_sql"):
                perturb_scores(conn)
            elif name == "unchanged":
                timed(conn, "SELECT steam_rec.refresh_engagement()")  # make sure nothing is left to change
            settle(conn)
            sql = {"noop": "UPDATE steam_rec.user_games SET engagement_score = engagement_score",
                   "refresh": "SELECT steam_rec.refresh_engagement()",
                   "unchanged": "SELECT steam_rec.refresh_engagement()",
                   "plain_sql": plain_sql}[name]
            seconds, changed, peak_kb = timed(conn, sql)
            results[name].append(seconds)
            memory[name] = max(memory[name], peak_kb)
            print(f"  run {run + 1} {name:9s} {seconds:8.3f} s  rows {changed}  peak +{peak_kb / 1024:.0f} MiB",
                  flush=True)
    conn.close()
    return rows, results, memory


def report(label, rows, results, memory):
    noop = statistics.median(results["noop"])
    lines = [f"### {label}: {rows:,} owned games", "",
             "| operation | median s | min–max s | ratio to no-op UPDATE | peak backend memory |",
             "| --- | ---: | ---: | ---: | ---: |"]
    names = {"noop": "no-op `UPDATE ... SET engagement_score = engagement_score`",
             "refresh": "`refresh_engagement()`, every score changes",
             "unchanged": "`refresh_engagement()`, no score changes",
             "plain_sql": "the same model in plain SQL, every score changes"}
    for key, name in names.items():
        values = results[key]
        median = statistics.median(values)
        lines.append(f"| {name} | {median:.3f} | {min(values):.3f}–{max(values):.3f} | "
                     f"{median / noop:.2f}x | {memory[key] / 1024:.0f} MiB |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic-rows", type=int, default=15_000_000,
                        help="rows drawn by the generator (duplicates are dropped: about 2/3 remain)")
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "steam"))
    parser.add_argument("--output", default=os.path.join(HERE, "results",
                                                         f"engagement-{datetime.date.today()}.md"))
    args = parser.parse_args()

    sections = []
    if os.path.exists(os.path.join(args.data, "user_games.csv")):
        print("real Steam data", flush=True)
        subprocess.run(["createdb", "bench_real"], check=True)
        psql("bench_real", "-c", "CREATE EXTENSION steam_rec")
        subprocess.run([os.path.join(ROOT, "tools", "load_steam_data.sh"), args.data, "bench_real"], check=True)
        sections.append(report("Real Steam data (steam-200k)", *measure("bench_real", args.runs)))
    print(f"synthetic data, {args.synthetic_rows:,} draws", flush=True)
    subprocess.run(["createdb", "bench_synthetic"], check=True)
    psql("bench_synthetic", "-c", "CREATE EXTENSION steam_rec")
    psql("bench_synthetic", "-v", f"rows={args.synthetic_rows}", "-f", os.path.join(HERE, "synthetic_steam.sql"))
    sections.append(report("Synthetic", *measure("bench_synthetic", args.runs)))

    header = (f"# Engagement benchmark, {datetime.date.today()}\n\n"
              f"{os.cpu_count()} cores; medians of {args.runs} runs in alternating order, "
              "VACUUM and CHECKPOINT before each statement. Produced by `bench/engagement.sh`.\n\n")
    with open(args.output, "w") as out:
        out.write(header + "\n".join(sections))
    print(open(args.output).read())


if __name__ == "__main__":
    sys.exit(main())
