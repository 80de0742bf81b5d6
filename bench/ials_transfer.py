#!/usr/bin/python3
"""iALS parameters on evaluate() and on the full tables' split, in one line of JSON.

    bench/ials_transfer.py <db> '<ials params json>' [val,test,split] [eval seeds] [split seeds]

<db> is loaded with the real data and scored (refresh_engagement()); PGHOST/PGPORT name
the server.  "val" and "test" run evaluate(ARRAY['ials'], params => ..., validation =>
true/false) for each seed (default 42,1,2,3,4); "split" runs bench/full_tables_split.sh
for each split seed (default 42), which copies <db>, so it comes last (no session may
stay connected to <db>).  Prints the per-seed Recall@20 / NDCG@20 and their means.
"""
import json
import os
import statistics
import subprocess
import sys

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    db, params = sys.argv[1], sys.argv[2]
    parts = (sys.argv[3] if len(sys.argv) > 3 else "val,split").split(",")
    seeds = [int(s) for s in (sys.argv[4] if len(sys.argv) > 4 else "42,1,2,3,4").split(",")]
    split_seeds = [int(s) for s in (sys.argv[5] if len(sys.argv) > 5 else "42").split(",")]
    out = {"params": params}
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    for part in parts:
        if part in ("val", "test"):
            scores = []
            for seed in seeds:
                cur.execute("SELECT recall, ndcg FROM steam_rec.evaluate(ARRAY['ials'], seed => %s, params => %s::jsonb,"
                            " validation => %s) WHERE algorithm = 'ials'",
                            (seed, json.dumps({"ials": json.loads(params)}), part == "val"))
                scores.append(tuple(round(v, 4) for v in cur.fetchone()))
            out[part] = scores
        elif part == "split":
            cur.close()
            conn.close()
            scores = []
            for seed in split_seeds:
                line = subprocess.run([os.path.join(HERE, "full_tables_split.sh"), db, "ials", params, str(seed)],
                                      capture_output=True, text=True, check=True).stdout.split()
                scores.append((float(line[1]), float(line[2])))
            out[part] = scores
        out[part + "_mean"] = tuple(round(statistics.mean(s[i] for s in out[part]), 4) for i in (0, 1))
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
