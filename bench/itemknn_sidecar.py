#!/usr/bin/python3
"""The Python service's way to compute item-item neighbours, as a peer for train('itemknn').

Reads every owned game with psycopg2, computes the cosine with shrinkage
x.y / (|x| |y| + shrinkage) between games with scipy's sparse product, keeps
each game's `--neighbors` best, and writes them back with COPY into a table of
its own -- the same work as train('itemknn', '{"weighting": "none"}'), which
also reads, computes and stores.  Prints the seconds it took.

    bench/itemknn_sidecar.py --dbname DB [--neighbors 100] [--shrinkage 10]
"""
import argparse
import io
import subprocess
import time


def install_from_debian():
    """Installs numpy, scipy and psycopg2 for the system Python from Debian when one is missing (run as root)."""
    try:
        import numpy, psycopg2, scipy.sparse  # noqa: F401
    except ImportError:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends",
                        "python3-numpy", "python3-scipy", "python3-psycopg2"], check=True)


install_from_debian()
import numpy as np  # noqa: E402
import psycopg2  # noqa: E402
import scipy.sparse as sparse  # noqa: E402


def neighbours(dbname, k, shrinkage):
    """Runs the whole job; returns the number of neighbour rows written."""
    db = psycopg2.connect(dbname=dbname)
    with db, db.cursor() as cur:
        cur.execute("SELECT user_steam_id, appid FROM steam_rec.user_games")
        owned = np.array(cur.fetchall(), dtype=np.int64)
    players, player_of = np.unique(owned[:, 0], return_inverse=True)
    appids, game_of = np.unique(owned[:, 1], return_inverse=True)
    x = sparse.csr_matrix((np.ones(len(owned), dtype=np.float32), (player_of, game_of)),
                          shape=(len(players), len(appids)))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
    dots = (x.T @ x).tocsr()
    dots.setdiag(0)
    dots.eliminate_zeros()
    out = io.StringIO()
    written = 0
    for g in range(dots.shape[0]):
        begin, end = dots.indptr[g], dots.indptr[g + 1]
        columns, values = dots.indices[begin:end], dots.data[begin:end]
        scores = values / (norms[g] * norms[columns] + shrinkage)
        if len(scores) > k:
            best = np.argpartition(-scores, k)[:k]
            columns, scores = columns[best], scores[best]
        for c, s in zip(columns, scores):
            out.write(f"{appids[g]}\t{appids[c]}\t{s}\n")
        written += len(columns)
    out.seek(0)
    with db, db.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS public.sidecar_neighbours")
        cur.execute("CREATE TABLE public.sidecar_neighbours (appid integer, neighbour integer, weight real)")
        cur.copy_expert("COPY public.sidecar_neighbours FROM STDIN", out)
    db.close()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dbname", required=True)
    parser.add_argument("--neighbors", type=int, default=100)
    parser.add_argument("--shrinkage", type=float, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = neighbours(args.dbname, args.neighbors, args.shrinkage)
    print(f"{time.perf_counter() - started:.3f} s, {rows} neighbour rows")


if __name__ == "__main__":
    main()
