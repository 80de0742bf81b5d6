#!/usr/bin/python3
"""Speed-up from threads of train() and refresh_recommendations(), on an existing database of steam_rec data.

For each algorithm, train() with steam_rec.max_threads = 1 and with every
--threads value, interleaved (1, N, 1, N, ...) --repeats times; with
--refresh also refresh_recommendations() of every player with the active
model.  Prints a markdown table of median seconds and the ratio of medians.
The machine is shared and noisy: interleaving spreads the noise over both.

--control adds, in every round, a CPU control: the same count over a
generate_series in one backend, and split in halves over two backends at
once; its 1-vs-2 ratio says what two cores can give at that moment.
--compare DB also runs every job in DB (a copy whose functions point at
another build of the library), interleaved, for an old-vs-new ratio.

    bench/threads_bench.py --dbname DB [--threads 2] [--repeats 3] [--algorithms itemknn,ease,...]
                           [--params ALGORITHM=JSON ...] [--refresh] [--k 20] [--control] [--compare DB]
                           [--sidecar ROUNDS] [--cpu] [--prune]

--prune runs prune_models(keep_previous => 3) and a VACUUM of model_games,
untimed, before each train(): every run then stores its model into the space
of pruned ones, as a server whose nightly job prunes does (without it, each
run extends model_games, and the store's share of a short training grows
with what extending costs on that disk).  The model active before the run is
pinned meanwhile, so no prune deletes it.

Each train() activates its model; the model active before the run is active
again after it.

--cpu adds the CPU seconds the backend (all its threads) used per job, from
/proc (the server must run on this machine): a job on 2 threads that uses the
CPU seconds of 1 thread but takes as long got no second core to run on.  It
also reads the backend's own thread's CPU seconds (the one thread that reads
and writes tables): on N free cores a job on N threads takes at least
max(own thread, all / N), so 1-thread CPU over that is the most N threads can
give, whatever the neighbours took meanwhile.
"""
import argparse
import os
import statistics
import subprocess
import threading
import time

import psycopg2

CONTROL_ROWS = 6_000_000


def cpu_seconds(stat):
    """CPU seconds (user + system) of a /proc stat file: a process's (all its threads, living or ended) or a
    thread's (/proc/PID/task/TID/stat)."""
    with open(stat) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(pid):
    """CPU seconds of the backend `pid`: all its threads', and its own thread's."""
    return cpu_seconds(f"/proc/{pid}/stat"), cpu_seconds(f"/proc/{pid}/task/{pid}/stat")


def timed(db, sql, args, threads, cpu=None, prepare=None):
    """Seconds `sql` takes on `threads` threads (committed, as a job would be); with `cpu` (a list), also
    appends the CPU seconds the backend used meanwhile (the server must run on this machine).  `prepare`
    (statements) run first, untimed, each outside a transaction (a VACUUM)."""
    if prepare:
        db.autocommit = True
        with db.cursor() as cur:
            for statement in prepare:
                cur.execute(statement)
        db.autocommit = False
    with db.cursor() as cur:
        cur.execute("SET steam_rec.max_threads = %s", (threads,))
        pid = db.get_backend_pid()
        used = backend_cpu_seconds(pid) if cpu is not None else (0, 0)
        started = time.perf_counter()
        cur.execute(sql, args)
        seconds = time.perf_counter() - started
        if cpu is not None:
            now = backend_cpu_seconds(pid)
            cpu.append((now[0] - used[0], now[1] - used[1]))
    db.commit()
    return seconds


def count_rows(db, rows):
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM generate_series(1, %s)", (rows,))


def control(dbs):
    """Seconds of the control's work in one backend, and split over two at once."""
    started = time.perf_counter()
    count_rows(dbs[0], CONTROL_ROWS)
    one = time.perf_counter() - started
    halves = [threading.Thread(target=count_rows, args=(db, CONTROL_ROWS // 2)) for db in dbs]
    started = time.perf_counter()
    for t in halves:
        t.start()
    for t in halves:
        t.join()
    return one, time.perf_counter() - started


def row(variants, label, given, sql, args, threads, repeats, controls, cpu=False, prepare=None):
    """Median seconds of every variant on 1 thread and on each of `threads`, runs interleaved; `prepare`
    runs, untimed, before each run."""
    runs = {(name, t): [] for name in variants for t in [1] + threads}
    used = {(name, t): [] for name in variants for t in [1] + threads} if cpu else None
    for _ in range(repeats):
        if controls is not None:
            controls.append(control(controls.dbs))
        for name, db in variants.items():
            for t in [1] + threads:
                runs[(name, t)].append(timed(db, sql, args, t, used[(name, t)] if cpu else None, prepare))
    for name in variants:
        one = statistics.median(runs[(name, 1)])
        cells = [f"{statistics.median(runs[(name, t)]):.3f} | {one / statistics.median(runs[(name, t)]):.2f}x"
                 for t in threads]
        print(f"| `{label}` | `{given}` | {name} | {one:.3f} | " + " | ".join(cells) +
              " | " + ", ".join(f"{s:.3f}" for s in runs[(name, 1)]) + " / " +
              ", ".join(f"{s:.3f}" for t in threads for s in runs[(name, t)]) + " |", flush=True)
    if cpu:
        # CPU seconds over wall seconds: how many cores the job held on average.
        for name in variants:
            every = {t: statistics.median(u[0] for u in used[(name, t)]) for t in [1] + threads}
            own = {t: statistics.median(u[1] for u in used[(name, t)]) for t in [1] + threads}
            print("|  |  | " + name + " CPU s (cores held) | " + " | ".join(
                f"{every[t]:.3f} ({every[t] / statistics.median(runs[(name, t)]):.2f})"
                for t in [1] + threads) + " |", flush=True)
            # The most N threads could give on N free cores: the backend's own thread cannot be shared.
            print("|  |  | " + name + " backend thread CPU s (most on free cores) | " + " | ".join(
                [f"{own[1]:.3f}"] + [f"{own[t]:.3f} ({every[1] / max(own[t], every[t] / t):.2f}x)" for t in threads]) +
                " |", flush=True)
    if len(variants) == 2:
        (a, _), (b, _) = variants.items()
        for t in [1] + threads:
            ratio = statistics.median(runs[(a, t)]) / statistics.median(runs[(b, t)])
            print(f"|  |  | {b} faster than {a}, {t} thread(s) | {ratio:.2f}x |", flush=True)


def sidecar(db, dbname, rounds):
    """train('itemknn', weighting none) against the Python service's job doing the same cosine, alternating."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "itemknn_sidecar.py")
    ours, theirs = [], []
    for _ in range(rounds):
        with db.cursor() as cur:
            cur.execute("RESET steam_rec.max_threads")
            started = time.perf_counter()
            cur.execute("SELECT steam_rec.train('itemknn', '{\"weighting\": \"none\"}')")
            ours.append(time.perf_counter() - started)
        db.commit()
        started = time.perf_counter()
        subprocess.run(["/usr/bin/python3", script, "--dbname", dbname], check=True, stdout=subprocess.DEVNULL)
        theirs.append(time.perf_counter() - started)
    print(f"\nitemknn vs the Python sidecar, {rounds} alternating rounds: train {statistics.median(ours):.3f} s "
          f"({', '.join(f'{s:.3f}' for s in ours)}), sidecar {statistics.median(theirs):.3f} s "
          f"({', '.join(f'{s:.3f}' for s in theirs)}): **{statistics.median(theirs) / statistics.median(ours):.1f}x**")


def run_jobs(args, params, variants, controls):
    """Every train() row, the refresh and the sidecar, as asked."""
    header = ("| job | params | library | 1 thread s | " +
              " | ".join(f"{t} threads s | speed-up" for t in args.threads) + " | runs 1 / N |")
    print(f"medians of {args.repeats} interleaved runs")
    print(header)
    print("| --- | --- | --- | ---: | " + " | ".join("---: | ---:" for _ in args.threads) + " | --- |")
    prune = ["SELECT count(*) FROM steam_rec.prune_models(keep_previous => 3)",
             "VACUUM steam_rec.model_games"] if args.prune else None
    for algorithm in args.algorithms:
        given = params.get(algorithm, "{}")
        row(variants, algorithm, given, "SELECT steam_rec.train(%s, %s)", (algorithm, given), args.threads,
            args.repeats, controls, args.cpu, prune)
    if args.refresh:
        # A refresh leaves the lists it replaced dead. Unvacuumed (the benchmark clusters run without
        # autovacuum) every run would write into a larger table than the run before, and the N-thread
        # run, which follows the 1-thread one in every round, would always get the larger table.
        row(variants, "refresh_recommendations", f"k={args.k}", "SELECT steam_rec.refresh_recommendations(k => %s)",
            (args.k,), args.threads, args.repeats, controls, args.cpu, ["VACUUM steam_rec.recommendations"])
    if args.sidecar:
        sidecar(variants["new"], args.dbname, args.sidecar)


class KeepActive:
    """The model active when the run starts: pinned during it when `pin` (unless it already was), and active
    again by restore()."""

    def __init__(self, db, pin):
        self.db = db
        with db.cursor() as cur:
            cur.execute("SELECT m.id, coalesce(g.pinned, false) FROM steam_rec.models AS m"
                        " LEFT JOIN steam_rec.model_governance AS g ON g.model_id = m.id WHERE m.active")
            found = cur.fetchone()
            self.id, was_pinned = found if found else (None, True)
            self.pinned = pin and not was_pinned
            if self.pinned:
                cur.execute("SELECT steam_rec.pin_model(%s, 'threads_bench.py --prune')", (self.id,))
        db.commit()

    def restore(self):
        if self.id is None:
            return
        self.db.rollback()  # a job that failed left its transaction aborted
        with self.db.cursor() as cur:
            cur.execute("SET steam_rec.max_threads TO DEFAULT")
            cur.execute("SELECT steam_rec.activate_model(%s)", (self.id,))
            if self.pinned:
                cur.execute("SELECT steam_rec.unpin_model(%s)", (self.id,))
        self.db.commit()


class Controls(list):
    def __init__(self, dbs):
        super().__init__()
        self.dbs = dbs


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
    parser.add_argument("--control", action="store_true", help="a CPU control's 1-vs-2 ratio in every round")
    parser.add_argument("--compare", help="another database to run every job in, interleaved")
    parser.add_argument("--sidecar", type=int, default=0, metavar="ROUNDS",
                        help="train('itemknn', weighting none) at the default max_threads against the Python "
                             "sidecar (bench/itemknn_sidecar.py), alternating, ROUNDS times")
    parser.add_argument("--cpu", action="store_true", help="also the backend's CPU seconds per job, from /proc")
    parser.add_argument("--prune", action="store_true",
                        help="prune_models(keep_previous => 3) and VACUUM model_games before each train(), untimed")
    args = parser.parse_args()
    params = dict(p.split("=", 1) for p in args.params)
    variants = {"new": psycopg2.connect(dbname=args.dbname)}
    if args.compare:
        variants = {"old": psycopg2.connect(dbname=args.compare), "new": variants["new"]}
    db = variants["new"]
    controls = None
    if args.control:
        control_dbs = [psycopg2.connect(dbname=args.dbname) for _ in range(2)]
        for c in control_dbs:
            c.autocommit = True
        controls = Controls(control_dbs)
    if args.algorithms is None:
        with db.cursor() as cursor:
            cursor.execute("SELECT name FROM steam_rec.algorithms()")
            args.algorithms = [name for (name,) in cursor.fetchall()]
        db.commit()
    args.algorithms = [a for a in args.algorithms if a]
    active = KeepActive(db, args.prune)
    try:
        run_jobs(args, params, variants, controls)
    finally:
        active.restore()  # also when a job fails or the run is interrupted
    if controls:
        ones = [o for o, _ in controls]
        twos = [t for _, t in controls]
        print(f"\nCPU control ({CONTROL_ROWS:,} rows counted in one backend vs halves in two at once), "
              f"{len(controls)} rounds: one {statistics.median(ones):.3f} s, two {statistics.median(twos):.3f} s, "
              f"**{statistics.median(ones) / statistics.median(twos):.2f}x** "
              f"(per round: {', '.join(f'{o / t:.2f}' for o, t in controls)})")
    for conn in variants.values():
        conn.close()


if __name__ == "__main__":
    main()
