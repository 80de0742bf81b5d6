#!/usr/bin/python3
"""Every benchmark of steam_rec at one or more synthetic scales, each measure a ratio to the
cheapest way to do the same work in plain PostgreSQL, measured in the same run.

Runs inside a throwaway cluster (bench/run.sh starts one). Per scale (bench/generate_steam.py):

  pipeline    what a new database goes through: refresh_engagement() from no scores,
              train() (the default hybrid), refresh_recommendations(k => 10) for every player
  engagement  refresh_engagement() with every score changing vs the no-op
              UPDATE user_games SET engagement_score = engagement_score (VACUUM and
              CHECKPOINT before each, alternating order)
  training    train(algorithm) for each algorithm vs reading its input once
              (COPY (SELECT user_steam_id, appid, engagement_score FROM user_games) TO '/dev/null'),
              and train('itemknn', plain cosine) vs the same cosine in plain SQL (small scales)
  serving     pgbench at each --clients count: recommend(k => 10) vs reading the player's 10
              precomputed rows of recommendations (bare, and joined to their names, which is
              what recommend() returns); median latency and transactions per second once
              every client is past its first call, and that first call (it maps the model's image)
              measured on its own
  memory      peak private memory (RssAnon) of the backend for each statement

then growth across the scales (time against owned games, fitted exponent; 1.0 = linear).
Writes bench/results/<date>.md and PNG plots next to it.
"""
import argparse
import datetime
import math
import os
import statistics
import subprocess
import sys
import time

import psycopg2

from engagement_bench import PeakMemory, perturb_scores, psql, settle
from recommend_bench import spread, steady_pgbench, value

HERE = os.path.dirname(os.path.abspath(__file__))
# The algorithms come from the extension's registry (steam_rec.algorithms()), in its order.
ALGORITHMS_SQL = "SELECT array_agg(name ORDER BY n) FROM steam_rec.algorithms() WITH ORDINALITY AS a(name, d, s, p, n)"
READ_ONCE = "COPY (SELECT user_steam_id, appid, engagement_score FROM steam_rec.user_games) TO '/dev/null'"
NOOP_UPDATE = "UPDATE steam_rec.user_games SET engagement_score = engagement_score"
SERVING = {"precomputed": "10 precomputed rows of `recommendations`",
           "precomputed_named": "the same rows joined to `catalog_cache` for names",
           "recommend": "`recommend(steam_id, k => 10)`"}


class Run:
    """One connection; times statements and samples its backend's peak private memory."""

    def __init__(self, db):
        self.conn = psycopg2.connect(dbname=db)
        self.conn.autocommit = True

    def timed(self, sql):
        with self.conn.cursor() as cur, PeakMemory(self.conn.get_backend_pid()) as memory:
            start = time.perf_counter()
            cur.execute(sql)
            seconds = time.perf_counter() - start
            result = cur.fetchone()[0] if cur.description and sql.lstrip().upper().startswith("SELECT") else None
        return seconds, result, max(0, memory.peak_kb - memory.baseline_kb) / 1024

    def close(self):
        self.conn.close()


class Measure:
    """Times (seconds) and peak memory (MiB) of repeated runs of one statement."""

    def __init__(self):
        self.seconds, self.mib = [], 0.0

    def add(self, seconds, mib):
        self.seconds.append(seconds)
        self.mib = max(self.mib, mib)

    @property
    def median(self):
        return statistics.median(self.seconds)

    def cells(self, baseline=None):
        ratio = f"{self.median / baseline.median:.2f}x" if baseline else "1x"
        return f"{self.median:.3f} | {spread(self.seconds)} | {ratio} | {self.mib:.0f} MiB"


def load_scale(db, scale, seed):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", db], check=True)
    psql(db, "-c", "CREATE EXTENSION steam_rec")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, os.path.join(HERE, "generate_steam.py"), "--scale", scale,
                          "--seed", str(seed), "--dbname", db], check=True, capture_output=True, text=True).stdout
    print(out.strip(), flush=True)
    return time.perf_counter() - started, out.strip()


def pipeline(db):
    """A new database's first pass; returns {step: Measure}."""
    run = Run(db)
    steps = {}
    for name, sql in (("refresh_engagement() from no scores", "SELECT steam_rec.refresh_engagement()"),
                      ("train() (hybrid)", "SELECT steam_rec.train()"),
                      ("refresh_recommendations(k => 10), every player",
                       "SELECT steam_rec.refresh_recommendations(k => 10)")):
        seconds, _, mib = run.timed(sql)
        steps[name] = Measure()
        steps[name].add(seconds, mib)
        print(f"  pipeline: {name} {seconds:.2f} s", flush=True)
    run.close()
    psql(db, "-c", "VACUUM ANALYZE")
    return steps


def engagement(db, runs):
    run = Run(db)
    noop, refresh = Measure(), Measure()
    for i in range(runs):
        for name in (["noop", "refresh"] if i % 2 == 0 else ["refresh", "noop"]):
            if name == "refresh":
                run.conn.autocommit = False
                perturb_scores(run.conn)
            settle(run.conn)
            run.conn.autocommit = True
            measure, sql = (noop, NOOP_UPDATE) if name == "noop" else (refresh, "SELECT steam_rec.refresh_engagement()")
            seconds, _, mib = run.timed(sql)
            measure.add(seconds, mib)
            print(f"  engagement: {name} {seconds:.2f} s", flush=True)
    run.close()
    return noop, refresh


def training(db, runs, plain_sql_max_rows, rows, algorithms):
    run = Run(db)
    read, trained = Measure(), {a: Measure() for a in algorithms}
    for i in range(runs):
        read.add(*_seconds_and_mib(run.timed(READ_ONCE)))
        for algorithm in algorithms:
            trained[algorithm].add(*_seconds_and_mib(run.timed(f"SELECT steam_rec.train('{algorithm}')")))
            print(f"  training: {algorithm} {trained[algorithm].seconds[-1]:.2f} s", flush=True)
    plain_cosine = Measure(), Measure()
    if rows <= plain_sql_max_rows:
        plain_sql = open(os.path.join(HERE, "itemknn_plain_sql.sql")).read()
        for _ in range(runs):
            plain_cosine[0].add(*_seconds_and_mib(run.timed("SELECT steam_rec.train('itemknn', '{\"weighting\": \"none\"}')")))
            plain_cosine[1].add(*_seconds_and_mib(run.timed(plain_sql)))
            run.timed("DROP TABLE knn_plain_sql")
            print(f"  training: plain cosine {plain_cosine[0].seconds[-1]:.2f} s vs plain SQL "
                  f"{plain_cosine[1].seconds[-1]:.2f} s", flush=True)
    # The default model serves the benchmarks that follow.
    run.timed(f"SELECT steam_rec.activate_model((SELECT max(id) FROM steam_rec.models WHERE algorithm = 'hybrid'))")
    run.close()
    return read, trained, plain_cosine


def _seconds_and_mib(timing):
    seconds, _, mib = timing
    return seconds, mib


def first_call(db, runs):
    """Seconds of recommend() in a fresh backend, which maps the active model's image."""
    measure = Measure()
    for _ in range(runs):
        run = Run(db)
        seconds, _, mib = run.timed("SELECT count(*) FROM steam_rec.recommend("
                                    "(SELECT steam_id FROM public.bench_players WHERE i = 1))")
        measure.add(seconds, mib)
        run.close()
    return measure


def serving(db, runs, seconds, clients):
    psql(db, "-c", "DROP TABLE IF EXISTS public.bench_players",
         "-c", "CREATE TABLE public.bench_players AS SELECT row_number() OVER (ORDER BY steam_id)::int AS i, steam_id"
               " FROM steam_rec.users",
         "-c", "ALTER TABLE public.bench_players ADD PRIMARY KEY (i)", "-c", "VACUUM ANALYZE")
    players = value(db, "SELECT count(*) FROM steam_rec.users")
    results = {(c, name): [] for c in clients for name in SERVING}
    for c in clients:
        names = list(SERVING)
        for i in range(runs):
            for name in names[i % 3:] + names[:i % 3]:
                median_ms, tps = steady_pgbench(db, os.path.join(HERE, "pgbench", f"{name}.sql"), c, seconds,
                                                players)
                results[(c, name)].append((median_ms, tps))
                print(f"  serving: {c} clients {name:17s} median {median_ms:.3f} ms {tps:,.0f} tps", flush=True)
    # One backend serving 1,000 players: its memory with the model loaded.
    run = Run(db)
    _, _, mib = run.timed("SELECT count(*) FROM public.bench_players AS p, "
                          "LATERAL steam_rec.recommend(p.steam_id, k => 10) WHERE p.i <= 1000")
    cache = value(db, "SELECT (steam_rec.model_cache_bytes()).shared_bytes + (steam_rec.model_cache_bytes()).private_bytes"
                      " FROM (SELECT count(*) FROM steam_rec.recommend("
                      "(SELECT steam_id FROM public.bench_players WHERE i = 1))) AS warm")
    run.close()
    return results, mib, cache, first_call(db, runs)


def fitted_exponent(points):
    """Least-squares slope of log(time) against log(rows)."""
    xs, ys = [math.log(r) for r, _ in points], [math.log(s) for _, s in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def measure_scale(args, scale):
    db = f"bench_{scale.lower()}"
    print(f"scale {scale}", flush=True)
    load_seconds, generated = load_scale(db, scale, args.seed)
    rows = value(db, "SELECT count(*) FROM steam_rec.user_games")
    players = value(db, "SELECT count(*) FROM steam_rec.users")
    runs = args.large_runs if scale == "L" else args.runs
    every_algorithm = value(db, ALGORITHMS_SQL)
    algorithms = [a for a in every_algorithm if not (scale == "L" and a in args.large_skip)]
    result = {"scale": scale, "rows": rows, "players": players, "generated": generated, "load": load_seconds,
              "runs": runs, "algorithms": every_algorithm}
    result["pipeline"] = pipeline(db)
    result["engagement"] = engagement(db, runs)
    result["training"] = training(db, runs, args.plain_sql_max_rows, rows, algorithms)
    result["serving"] = serving(db, runs, args.seconds, args.clients)
    subprocess.run(["dropdb", db], check=True)
    return result


def scale_report(r, args):
    lines = [f"## Scale {r['scale']}: {r['players']:,} players, {r['rows']:,} owned games", "",
             f"Generated and loaded with COPY in {r['load']:.1f} s (`{r['generated']}`).", ""]
    steps = r["pipeline"]
    total = sum(m.median for m in steps.values())
    lines += ["### A new database, start to finish", "", "| step | s | peak backend memory |", "| --- | ---: | ---: |"]
    lines += [f"| `{name}` | {m.median:.2f} | {m.mib:.0f} MiB |" for name, m in steps.items()]
    refresh_s = list(steps.values())[-1].median
    lines += [f"| total | {total:.2f} | |", "",
              f"Recommendations for every player: {r['players'] / refresh_s:,.0f} players/s.", ""]

    noop, refresh = r["engagement"]
    lines += ["### Engagement", "", "| statement | median s | min–max s | ratio | peak backend memory |",
              "| --- | ---: | ---: | ---: | ---: |",
              f"| no-op `UPDATE user_games SET engagement_score = engagement_score` | {noop.cells()} |",
              f"| `refresh_engagement()`, every score changes | {refresh.cells(noop)} |", ""]

    read, trained, (knn, plain) = r["training"]
    lines += ["### Training", "", "| statement | median s | min–max s | ratio to reading the data once | "
              "peak backend memory |", "| --- | ---: | ---: | ---: | ---: |",
              f"| `{READ_ONCE}` | {read.cells()} |"]
    lines += [f"| `train('{a}')` | {trained[a].cells(read)} |" for a in trained]
    skipped = [a for a in r["algorithms"] if a not in trained]
    if skipped:
        lines += ["", f"Not run at this scale (`--large-skip`): {', '.join(skipped)}."]
    if knn.seconds:
        lines += ["", f"Item-item cosine: `train('itemknn', '{{\"weighting\": \"none\"}}')` {knn.median:.2f} s "
                  f"(min–max {spread(knn.seconds)}) vs the same cosine in plain SQL "
                  f"(`bench/itemknn_plain_sql.sql`) {plain.median:.2f} s (min–max {spread(plain.seconds)}): "
                  f"**{plain.median / knn.median:.0f}x** faster."]
    else:
        lines += ["", f"The plain-SQL cosine is not run above {args.plain_sql_max_rows:,} owned games "
                  "(its self-join grows with the square of each game's owners)."]
    lines.append("")

    results, serve_mib, cache, load = r["serving"]
    lines += [f"### Serving (pgbench, {r['runs']} runs of {args.seconds} s per cell, rotating order)", "",
              "Latency and throughput once every client is past its first call: the first `recommend()` "
              f"in a fresh backend maps the active model's image, {load.median:.2f} s (min–max {spread(load.seconds)}, "
              f"+{load.mib:.0f} MiB).", "",
              "| clients | query | median latency ms | min–max of run medians | ratio to bare rows | "
              "ratio to rows with names | transactions/s |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for c in args.clients:
        bare = statistics.median(m for m, _ in results[(c, "precomputed")])
        named = statistics.median(m for m, _ in results[(c, "precomputed_named")])
        for name, title in SERVING.items():
            medians = [m for m, _ in results[(c, name)]]
            tps = statistics.median(t for _, t in results[(c, name)])
            lines.append(f"| {c} | {title} | {statistics.median(medians):.3f} | {spread(medians)} | "
                         f"{statistics.median(medians) / bare:.2f}x | {statistics.median(medians) / named:.2f}x | "
                         f"{tps:,.0f} |")
    lines += ["", f"A backend that served 1,000 players grew by {serve_mib:.0f} MiB; its model cache holds "
              f"{cache / 1048576:.1f} MiB (`model_cache_bytes()`).", ""]
    return "\n".join(lines)


def growth_series(results, clients):
    """{operation: [(rows, seconds), ...]} across scales."""
    serving_clients = 4 if 4 in clients else clients[0]
    series = {}
    for r in results:
        def add(name, seconds):
            series.setdefault(name, {})[r["rows"]] = seconds
        for name, m in r["pipeline"].items():
            add(name, m.median)
        add("no-op UPDATE", r["engagement"][0].median)
        add("refresh_engagement(), every score changes", r["engagement"][1].median)
        add("reading the data once (COPY)", r["training"][0].median)
        for a, m in r["training"][1].items():
            add(f"train('{a}')", m.median)
        latencies = [m for m, _ in r["serving"][0][(serving_clients, "recommend")]]
        add(f"recommend() median latency, {serving_clients} clients", statistics.median(latencies) / 1000)
        add("recommend() first call in a fresh backend (maps the image)", r["serving"][3].median)
    return series


def growth_report(series, results):
    scales = [(r["scale"], r["rows"]) for r in results]
    lines = ["## Growth", "", "Median time against owned games, with the least-squares exponent over the scales "
             "measured (time ∝ rows^e; 1.0 = linear).", "",
             "| operation | " + " | ".join(f"{scale}: {rows:,} rows" for scale, rows in scales) + " | exponent |",
             "| --- |" + " ---: |" * (len(scales) + 1)]
    for name, points in series.items():
        cells = " | ".join(_duration(points[rows]) if rows in points else "not run" for _, rows in scales)
        exponent = f"{fitted_exponent(sorted(points.items())):.2f}" if len(points) > 1 else ""
        lines.append(f"| {name} | {cells} | {exponent} |")
    return "\n".join(lines) + "\n"


def _duration(seconds):
    return f"{seconds * 1000:.3f} ms" if seconds < 0.01 else f"{seconds:.2f} s"


def plots(results, series, prefix, clients):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    if len(results) > 1:
        fig, ax = plt.subplots(figsize=(8, 5))
        for name, points in series.items():
            ax.plot(sorted(points), [points[r] for r in sorted(points)], marker="o", label=name)
        ax.set(xscale="log", yscale="log", xlabel="owned games (rows)", ylabel="seconds (median)",
               title="Growth from scale to scale")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(prefix + "-growth.png", dpi=100)
        made.append(prefix + "-growth.png")
    last = results[-1]
    fig, ax = plt.subplots(figsize=(8, 4))
    read, trained, _ = last["training"]
    ax.bar(list(trained), [m.median / read.median for m in trained.values()])
    ax.set(ylabel="x reading the data once", title=f"train() per algorithm, scale {last['scale']}")
    fig.tight_layout()
    fig.savefig(prefix + "-training.png", dpi=100)
    made.append(prefix + "-training.png")
    # Latency on a log axis (one slow cell must not hide the others), the ratio to the
    # precomputed reads beside it, then throughput.
    fig, (latency, ratio, throughput) = plt.subplots(1, 3, figsize=(14, 4))
    median_of = {}
    for name in SERVING:
        rows = [last["serving"][0][(c, name)] for c in clients]
        median_of[name] = [statistics.median(m for m, _ in r) for r in rows]
        latency.plot(clients, median_of[name], marker="o", label=name)
        throughput.plot(clients, [statistics.median(t for _, t in r) for r in rows], marker="o", label=name)
    for base in ("precomputed", "precomputed_named"):
        ratio.plot(clients, [a / b for a, b in zip(median_of["recommend"], median_of[base])], marker="o",
                   label=f"recommend / {base}")
    latency.set(yscale="log", xlabel="clients", ylabel="median latency ms (log)",
                title=f"Serving, scale {last['scale']}")
    ratio.set(xlabel="clients", ylabel="ratio", title="recommend() against the precomputed reads")
    throughput.set(xlabel="clients", ylabel="transactions/s")
    for ax in (latency, ratio, throughput):
        ax.set_xscale("log", base=2)
        ax.set_xticks(clients, [str(c) for c in clients])
        ax.minorticks_off()
        ax.legend(fontsize=7)
    for ax in (ratio, throughput):
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(prefix + "-serving.png", dpi=100)
    made.append(prefix + "-serving.png")
    plt.close("all")
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scales", nargs="*", default=["S", "M"], help="S, M and/or L (default: S M)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (medians and spreads)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per pgbench run")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16])
    parser.add_argument("--plain-sql-max-rows", type=int, default=500_000)
    parser.add_argument("--large-runs", type=int, default=1, help="runs per measure at scale L")
    parser.add_argument("--large-skip", type=lambda s: [a for a in s.split(",") if a], default=[],
                        help="algorithms not trained at scale L, comma-separated (default: none; "
                             "e.g. --large-skip ials)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--smoke", action="store_true",
                        help="scale S once, short pgbench runs: checks that every benchmark runs and gives numbers")
    parser.add_argument("--output", default=os.path.join(HERE, "results", f"{datetime.date.today()}.md"))
    args = parser.parse_args()
    if args.smoke:
        args.scales, args.runs, args.seconds, args.clients, args.plain_sql_max_rows = ["S"], 1, 1, [1, 4], 0

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    results = [measure_scale(args, scale) for scale in args.scales]
    series = growth_series(results, args.clients)
    prefix = os.path.splitext(args.output)[0]
    images = plots(results, series, prefix, args.clients)
    header = (f"# steam_rec benchmarks, {datetime.date.today()}\n\n"
              f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB. "
              f"Produced by `bench/run.sh {' '.join(sys.argv[1:])}`; medians of {args.runs} runs with their "
              "min–max; every ratio is to plain-PostgreSQL work measured in the same run.\n")
    sections = [header] + [scale_report(r, args) for r in results]
    if len(results) > 1:
        sections.append(growth_report(series, results))
    sections.append("\n".join(f"![{os.path.basename(p)}]({os.path.basename(p)})" for p in images) + "\n")
    with open(args.output, "w") as out:
        out.write("\n".join(sections))
    print(open(args.output).read())
    if args.smoke:
        return smoke_check(results, series)


def smoke_check(results, series):
    """Every benchmark ran and produced a positive, finite time."""
    r = results[0]
    expected = 3 + 2 + 1 + len(r["algorithms"]) + 2
    times = [seconds for points in series.values() for seconds in points.values()]
    tps = [t for runs in r["serving"][0].values() for _, t in runs]
    if len(series) != expected or len(tps) != 6 or not all(0 < x < math.inf for x in times + tps):
        print(f"smoke benchmark: expected {expected} timed operations and 6 pgbench cells with positive numbers, "
              f"got {len(series)} and {len(tps)}: {series}", file=sys.stderr)
        return 1
    print(f"smoke benchmark: {len(series)} operations timed, {len(tps)} pgbench runs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
