#!/usr/bin/python3
"""Serving from the shared model image, per scale, against reading precomputed rows.

Runs inside a throwaway cluster (bench/run.sh serving M starts one). Per scale
(bench/generate_steam.py): scores, trains the default hybrid and stores every player's
10 recommendations, then measures

  first call   recommend() in a fresh backend: the call that builds the activation's image
               (once per server), then fresh backends that only map and validate it
  memory       what one serving backend adds after 1,000 calls (Private_Clean +
               Private_Dirty from /proc/<pid>/smaps_rollup, by mapping, and Pss), beside a
               backend that served one player or the same 1,000, and what 64 concurrent
               backends add in total (sum of their Pss growth: shared pages counted once)
  latency      pgbench at each --clients count: recommend(k => 10) vs the 10 precomputed
               rows, bare and with names; median latency and transactions per second once
               every client is past its first call

Writes bench/results/serving-<date>.md and a plot next to it: latency on a log axis, and
beside it the ratio of recommend() to each precomputed read.
"""
import argparse
import datetime
import os
import re
import statistics
import sys
import threading
import time

import psycopg2

from bench import load_scale
from engagement_bench import psql
from recommend_bench import spread, steady_pgbench, value

HERE = os.path.dirname(os.path.abspath(__file__))
READS = {"precomputed": "10 precomputed rows", "precomputed_named": "the same rows with names",
         "recommend": "`recommend(steam_id, k => 10)`"}
FIRST = "SELECT count(*) FROM steam_rec.recommend((SELECT steam_id FROM public.bench_players WHERE i = 1), k => 10)"
THOUSAND = ("SELECT count(*) FROM public.bench_players AS p, LATERAL steam_rec.recommend(p.steam_id, k => 10) "
            "WHERE p.i BETWEEN {start} AND {start} + 999")


def smaps(pid):
    """{field: kB} of /proc/<pid>/smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


def private_kb(fields):
    return fields["Private_Clean"] + fields["Private_Dirty"]


def connect(db):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    return conn


def query(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()


def prepare(db, scale, seed, latency):
    load_seconds, generated = load_scale(db, scale, seed)
    steps = ["SELECT steam_rec.refresh_engagement()", "SELECT steam_rec.train()"]
    if latency:  # the precomputed rows the latency runs compare with
        steps.append("SELECT steam_rec.refresh_recommendations(k => 10)")
    for sql in steps:
        started = time.perf_counter()
        psql(db, "-c", sql)
        print(f"  {sql} {time.perf_counter() - started:.1f} s", flush=True)
    psql(db, "-c", "CREATE TABLE public.bench_players AS SELECT row_number() OVER (ORDER BY steam_id)::int AS i,"
                   " steam_id FROM steam_rec.users",
         "-c", "ALTER TABLE public.bench_players ADD PRIMARY KEY (i)", "-c", "VACUUM ANALYZE")
    return generated


def fresh_backend_ms(db, sql):
    """Milliseconds of `sql` as the first statement after SELECT 1 in a new backend."""
    conn = connect(db)
    query(conn, "SELECT 1")
    with conn.cursor() as cur:
        started = time.perf_counter()
        cur.execute(sql)
        if cur.description is not None:
            cur.fetchall()
        elapsed = time.perf_counter() - started
    conn.close()
    return elapsed * 1000


def first_calls(db, runs, latency):
    """{"build": ms of the call that builds the image, "whole": [ms of fresh backends that check the
    new file whole], "firsts": [ms of later fresh backends, which find it checked], "loads": [ms of
    LOAD 'steam_rec' alone], "reads": [ms of a fresh backend's first read of 10 precomputed rows with
    names]}."""
    conn = connect(db)
    # As after a new activation: no image yet (training again would be slow, so remove it).
    query(conn, FIRST)
    file, = query(conn, "SELECT file FROM steam_rec.model_image()")
    data_dir, = query(conn, "SHOW data_directory")
    conn.close()
    if file:
        os.unlink(os.path.join(data_dir, "steam_rec", file))
    build = fresh_backend_ms(db, FIRST)
    # Fresh backends within seconds of the build check the file whole; the first one after that
    # stamps it as checked (model_image_file.cpp), and every later one reads its header only.
    whole = [fresh_backend_ms(db, FIRST) for _ in range(min(runs, 3))]
    time.sleep(2.5)
    whole.append(fresh_backend_ms(db, FIRST))
    firsts = [fresh_backend_ms(db, FIRST) for _ in range(runs)]
    loads = [fresh_backend_ms(db, "LOAD 'steam_rec'") for _ in range(runs)]
    named = open(os.path.join(HERE, "pgbench", "precomputed_named.sql")).read().split("\n", 1)[1].replace(":i", "1")
    reads = [fresh_backend_ms(db, named) for _ in range(runs if latency else 0)]
    return {"build": build, "whole": whole, "firsts": firsts, "loads": loads, "reads": reads}


# Where a backend's private pages lie, by mapping (/proc/<pid>/smaps): its own heap and
# anonymous memory, the model image and names files (the page cache, shared by every backend
# that maps the same pages), the server's shared memory (shared buffers), the libraries' pages.
MAPPING_KINDS = (("own", "its own heap, anonymous memory and stack"),
                 ("files", "the model image and names files"),
                 ("shared_memory", "the server's shared memory (shared buffers)"),
                 ("libraries", "the libraries (pages written by relocations)"))


def mapping_kind(name):
    if name in ("", "[heap]", "[stack]") or name.startswith("[anon"):
        return "own"
    if name.endswith((".img", ".names")):
        return "files"
    if name.startswith(("/dev/zero", "/SYSV", "/dev/shm/")):
        return "shared_memory"
    return "libraries" if ".so" in name else "own"


def private_kb_by_kind(pid):
    """{kind: Private_Clean + Private_Dirty kB} over the mappings of /proc/<pid>/smaps."""
    kinds = dict.fromkeys((kind for kind, _ in MAPPING_KINDS), 0)
    kind = "own"
    with open(f"/proc/{pid}/smaps") as maps:
        for line in maps:
            parts = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+$", parts[0]):
                kind = mapping_kind(parts[5] if len(parts) > 5 else "")
            elif parts[0] in ("Private_Clean:", "Private_Dirty:"):
                kinds[kind] += int(parts[1])
    return kinds


def one_backend_memory(db, holder_serves_the_same):
    """What one backend adds by serving 1,000 players while another backend maps the image too.
    A page mapped by one process alone counts as private: with `holder_serves_the_same` the other
    backend has served the same 1,000 players first, as any backend of a pool that has been
    serving has, so what stays private is this backend's own; without it the other has served
    one player, and the image's and shared buffers' pages this backend alone has touched count."""
    holder = connect(db)
    query(holder, THOUSAND.format(start=1) if holder_serves_the_same else FIRST)
    conn = connect(db)
    pid = conn.get_backend_pid()
    query(conn, "SELECT count(*) FROM public.bench_players WHERE i = 1")
    before, kinds_before = smaps(pid), private_kb_by_kind(pid)
    query(conn, THOUSAND.format(start=1))
    after, kinds_after = smaps(pid), private_kb_by_kind(pid)
    shared, private = query(conn, "SELECT * FROM steam_rec.model_cache_bytes()")
    image, = query(conn, "SELECT file_bytes FROM steam_rec.model_image()")
    conn.close()
    holder.close()
    return {"private_kb": private_kb(after) - private_kb(before), "pss_kb": after["Pss"] - before["Pss"],
            "anonymous_kb": after["Anonymous"] - before["Anonymous"],
            "by_kind_kb": {kind: kinds_after[kind] - kinds_before[kind] for kind in kinds_after},
            "shared_bytes": shared, "private_bytes": private, "image_bytes": image}


def many_backends(db, count, players):
    """Sum over `count` concurrent backends of their Pss and private growth after 1,000 calls each."""
    conns = [connect(db) for _ in range(count)]
    for conn in conns:
        query(conn, "SELECT count(*) FROM public.bench_players WHERE i = 1")
    before = [smaps(conn.get_backend_pid()) for conn in conns]
    kinds_before = [private_kb_by_kind(conn.get_backend_pid()) for conn in conns]

    def serve(i, conn):
        query(conn, THOUSAND.format(start=1 + (i * 1000) % max(1, players - 1000)))

    threads = [threading.Thread(target=serve, args=(i, conn)) for i, conn in enumerate(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = [smaps(conn.get_backend_pid()) for conn in conns]
    kinds_after = [private_kb_by_kind(conn.get_backend_pid()) for conn in conns]
    for conn in conns:
        conn.close()
    return {"pss_kb": sum(a["Pss"] - b["Pss"] for a, b in zip(after, before)),
            "private_kb": sum(private_kb(a) - private_kb(b) for a, b in zip(after, before)),
            "by_kind_kb": {kind: sum(a[kind] - b[kind] for a, b in zip(kinds_after, kinds_before))
                           for kind, _ in MAPPING_KINDS}}


def latencies(db, runs, seconds, clients, players):
    results = {(c, name): [] for c in clients for name in READS}
    for c in clients:
        names = list(READS)
        for i in range(runs):
            for name in names[i % 3:] + names[:i % 3]:
                results[(c, name)].append(steady_pgbench(db, os.path.join(HERE, "pgbench", f"{name}.sql"), c,
                                                         seconds, players))
                median_ms, tps = results[(c, name)][-1]
                print(f"  {c} clients {name:17s} median {median_ms:.3f} ms {tps:,.0f} tps", flush=True)
    return results


def medians(results, c, name):
    return (statistics.median(m for m, _ in results[(c, name)]), statistics.median(t for _, t in results[(c, name)]))


def report(scale, generated, first, one, pool, many, backends, results, clients, runs, seconds):
    mib = 1024
    lines = [f"## Scale {scale}", "", f"`{generated}`", "",
             "### First `recommend()` in a fresh backend", "",
             "| call | median ms | min–max ms |", "| --- | ---: | ---: |",
             f"| the one that builds the activation's image (once per server) | {first['build']:.1f} | |",
             f"| a fresh backend within seconds of the build: maps the image and checks it whole | "
             f"{statistics.median(first['whole']):.2f} | {spread(first['whole'], '{:.2f}')} |",
             f"| any later fresh backend: maps the image, finds it checked, reads its header | "
             f"{statistics.median(first['firsts']):.2f} | {spread(first['firsts'], '{:.2f}')} |",
             f"| of which loading the library (`LOAD 'steam_rec'` alone) | "
             f"{statistics.median(first['loads']):.2f} | {spread(first['loads'], '{:.2f}')} |",
             *([f"| for comparison: a fresh backend's first read of 10 precomputed rows with names | "
                f"{statistics.median(first['reads']):.2f} | {spread(first['reads'], '{:.2f}')} |",
                f"| first `recommend()` minus that first read | "
                f"{statistics.median(first['firsts']) - statistics.median(first['reads']):.2f} | |"]
               if first['reads'] else []),
             "",
             "Each first call includes loading the library, the check for the active model and this "
             "backend's first reads of the tables (catalog caches); the first read of precomputed rows pays the "
             "last of these, so it is the floor of any first call.", "",
             "### Memory", "",
             f"The image file is {one['image_bytes'] / 2**20:.1f} MiB (`model_image()`); `model_cache_bytes()` "
             f"reports {one['shared_bytes'] / 2**20:.1f} MiB shared and {one['private_bytes'] / 2**20:.2f} MiB "
             "private.", "",
             "One backend serves 1,000 players while another maps the image too. A page mapped by one process "
             "alone counts as private, so the two columns differ in what that other backend did first: it served "
             "one player, or the same 1,000 players (as any backend of a pool that has been serving has). "
             "Private pages by mapping from `/proc/<pid>/smaps`.", "",
             "| what one backend adds after 1,000 calls, MiB | the other served 1 player | "
             "the other served the same 1,000 |", "| --- | ---: | ---: |",
             f"| Private_Clean + Private_Dirty (smaps_rollup) | {one['private_kb'] / mib:.2f} | "
             f"{pool['private_kb'] / mib:.2f} |",
             *[f"| of which in {title} | {one['by_kind_kb'][kind] / mib:.2f} | {pool['by_kind_kb'][kind] / mib:.2f} |"
               for kind, title in MAPPING_KINDS],
             f"| Pss | {one['pss_kb'] / mib:.2f} | {pool['pss_kb'] / mib:.2f} |",
             f"| anonymous memory (heap) | {one['anonymous_kb'] / mib:.2f} | {pool['anonymous_kb'] / mib:.2f} |", "",
             "| many backends at once | MiB |", "| --- | ---: |",
             f"| {backends} concurrent backends after 1,000 calls each: Pss added, in total | {many['pss_kb'] / mib:.1f} |",
             f"| the same: private memory added, in total | {many['private_kb'] / mib:.1f} |",
             *[f"| of which in {title} | {many['by_kind_kb'][kind] / mib:.1f} |" for kind, title in MAPPING_KINDS],
             ""]
    if not clients:
        return "\n".join(lines + ["Latency not measured at this scale (`--skip-latency`).", ""])
    lines += [f"### Latency and throughput (pgbench `-M prepared`, {runs} runs of {seconds} s per cell, rotating order)",
             "", "| clients | query | median latency ms | min–max of run medians | ratio to bare rows | "
             "ratio to rows with names | transactions/s |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for c in clients:
        bare, _ = medians(results, c, "precomputed")
        named, _ = medians(results, c, "precomputed_named")
        for name, title in READS.items():
            median, tps = medians(results, c, name)
            lines.append(f"| {c} | {title} | {median:.3f} | {spread([m for m, _ in results[(c, name)]])} | "
                         f"{median / bare:.2f}x | {median / named:.2f}x | {tps:,.0f} |")
    return "\n".join(lines) + "\n"


def plot(results, clients, path, scale):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (latency, ratio) = plt.subplots(1, 2, figsize=(11, 4))
    for name, title in READS.items():
        latency.plot(clients, [medians(results, c, name)[0] for c in clients], marker="o", label=title)
    for base in ("precomputed", "precomputed_named"):
        ratio.plot(clients, [medians(results, c, "recommend")[0] / medians(results, c, base)[0] for c in clients],
                   marker="o", label=f"recommend() / {READS[base]}")
    latency.set(yscale="log", xlabel="clients", ylabel="median latency ms (log)", title=f"Serving, scale {scale}")
    ratio.set(xlabel="clients", ylabel="ratio", title="recommend() against the precomputed read")
    ratio.axhline(1.5, color="grey", linestyle=":", linewidth=1)
    for ax in (latency, ratio):
        ax.set_xscale("log", base=2)
        ax.set_xticks(clients, [str(c) for c in clients])
        ax.minorticks_off()
        ax.legend(fontsize=7)
    ratio.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scales", nargs="*", default=["M"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16])
    parser.add_argument("--backends", type=int, default=64)
    parser.add_argument("--skip-latency", action="store_true",
                        help="first call and memory only (no precomputed rows, no pgbench): for scale L")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", default=os.path.join(HERE, "results", f"serving-{datetime.date.today()}.md"))
    args = parser.parse_args()
    sections = [f"# steam_rec serving from the shared model image, {datetime.date.today()}\n\n"
                f"{os.cpu_count()} cores. Produced by `bench/run.sh serving {' '.join(sys.argv[1:])}`.\n"]
    images = []
    for scale in args.scales:
        db = f"bench_serving_{scale.lower()}"
        print(f"scale {scale}", flush=True)
        generated = prepare(db, scale, args.seed, not args.skip_latency)
        players = value(db, "SELECT count(*) FROM steam_rec.users")
        first = first_calls(db, args.runs * 3, not args.skip_latency)
        print(f"  first call: build {first['build']:.1f} ms, checked whole {statistics.median(first['whole']):.2f} ms, "
              f"stamped {statistics.median(first['firsts']):.2f} ms", flush=True)
        clients = [] if args.skip_latency else args.clients
        results = latencies(db, args.runs, args.seconds, clients, players)
        # After the latency runs, as in a server that has been serving: the rows' buffers are in use.
        one = one_backend_memory(db, holder_serves_the_same=False)
        pool = one_backend_memory(db, holder_serves_the_same=True)
        many = many_backends(db, args.backends, players)
        print(f"  memory: one {one}, in a pool {pool}, {args.backends} backends {many}", flush=True)
        sections.append(report(scale, generated, first, one, pool, many, args.backends, results, clients,
                               args.runs, args.seconds))
        if clients:
            image = os.path.splitext(args.output)[0] + f"-{scale}.png"
            plot(results, clients, image, scale)
            images.append(image)
        psql("postgres", "-c", f"DROP DATABASE {db}")
    sections.append("\n".join(f"![{os.path.basename(p)}]({os.path.basename(p)})" for p in images) + "\n")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as out:
        out.write("\n".join(sections))
    print(open(args.output).read())


if __name__ == "__main__":
    main()
