#!/usr/bin/python3
"""Python reference for bench_neighbours: the same vectors (a raw float32 file the benchmark
writes), indexed by Debian's python3-hnswlib with the same parameters (cosine, M, ef_construction,
ef, threads); one query at a time as "find similar" asks them, and recall@10 against exact
neighbours computed by numpy. Prints one JSON object."""
import argparse, json, statistics, time

import hnswlib
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("vectors")
ap.add_argument("--rows", type=int, required=True)
ap.add_argument("--dim", type=int, required=True)
ap.add_argument("--k", type=int, default=30)
ap.add_argument("--m", type=int, default=16)
ap.add_argument("--ef-construction", type=int, default=200)
ap.add_argument("--ef", type=int, default=64)
ap.add_argument("--queries", type=int, default=1000)
ap.add_argument("--recall-queries", type=int, default=200)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()

x = np.fromfile(a.vectors, dtype=np.float32).reshape(a.rows, a.dim)
t = time.perf_counter()
index = hnswlib.Index(space="cosine", dim=a.dim)
index.init_index(max_elements=a.rows, ef_construction=a.ef_construction, M=a.m, random_seed=100)
index.add_items(x, np.arange(a.rows), num_threads=a.threads)
build = time.perf_counter() - t
index.set_ef(a.ef)
index.set_num_threads(1)

rng = np.random.default_rng(7)
rows = rng.integers(0, a.rows, a.queries)
times = []
for r in rows:
    q = x[r:r + 1]
    t = time.perf_counter()
    index.knn_query(q, k=a.k + 1)  # the row itself comes back too
    times.append(time.perf_counter() - t)
times.sort()

# Exact neighbours by brute force (numpy over normalised rows), one query at a time.
norms = np.linalg.norm(x, axis=1, keepdims=True)
norms[norms == 0] = 1
xn = x / norms
hits = 0
exact_times = []
for r in rows[:a.recall_queries]:
    t = time.perf_counter()
    d = 1 - xn @ xn[r]
    d[r] = np.inf
    exact = np.argpartition(d, 10)[:10]
    exact_times.append(time.perf_counter() - t)
    labels, _ = index.knn_query(x[r:r + 1], k=11)
    found = [l for l in labels[0] if l != r][:10]
    hits += len(set(found) & set(exact.tolist()))

print(json.dumps({
    "build_s": build,
    "query_median_ms": statistics.median(times) * 1e3,
    "query_p99_ms": times[int(0.99 * (len(times) - 1))] * 1e3,
    "recall_at_10": hits / (10 * a.recall_queries),
    "numpy_exact_median_ms": statistics.median(exact_times) * 1e3,
}))
