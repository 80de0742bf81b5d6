#!/usr/bin/python3
"""Times one statement in its own backend, as the L phases are run one by one.

    bench/timed_phase.py DBNAME 'SELECT steam_rec.refresh_engagement()' ['SET ...' ...]

Runs the SET statements, a CHECKPOINT, then the statement, and prints one line:
seconds, the backend's CPU time (user + system from /proc, its threads included:
what other people's load does not inflate), the WAL it wrote, its peak private
memory (bench.py's sampling) and its result; the load average before and after.
At L each step takes minutes: running them one at a time lets each hold the
bench lock alone.  Connection settings come from the PG* environment.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Run  # noqa: E402


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    dbname, sql, settings = sys.argv[1], sys.argv[2], sys.argv[3:]
    run = Run(dbname)
    pid = run.conn.get_backend_pid()

    def cpu_seconds():
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wal_bytes():
        with run.conn.cursor() as cur:
            cur.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
            return int(cur.fetchone()[0])

    with run.conn.cursor() as cur:
        for setting in settings:
            cur.execute(setting)
        cur.execute("CHECKPOINT")
    print("loadavg before", open("/proc/loadavg").read().strip(), flush=True)
    wal0, cpu0 = wal_bytes(), cpu_seconds()
    seconds, result, mib = run.timed(sql)
    cpu1, wal1 = cpu_seconds(), wal_bytes()
    print(f"{dbname} | {sql} | {settings} | {seconds:.2f} s | backend cpu {cpu1 - cpu0:.1f} s"
          f" | WAL {(wal1 - wal0) / 2**20:.0f} MiB | peak {mib:.0f} MiB | result {result}", flush=True)
    print("loadavg after", open("/proc/loadavg").read().strip(), flush=True)


if __name__ == "__main__":
    main()
