#!/usr/bin/python3
"""Python reference for bench_map: scikit-learn's TSNE (Barnes-Hut, the same settings as
ActiveLabel's model/tsne.h) on the same embeddings. Reads N x D float32 (raw, little-endian) from
--input, writes the N x 2 float32 map to --output, prints one JSON object with the seconds."""
import argparse, json, time

import numpy as np
import sklearn
from sklearn.manifold import TSNE

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
parser.add_argument("--dim", type=int, required=True)
parser.add_argument("--perplexity", type=float, default=30)
parser.add_argument("--iterations", type=int, default=1000)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

x = np.fromfile(args.input, dtype=np.float32).reshape(-1, args.dim)
start = time.perf_counter()
# init="random": ActiveLabel's t-SNE sees only the kNN graph, so it starts from a small random
# layout too (sklearn 1.2's default is PCA); learning_rate="auto" and 12x early exaggeration for
# 250 iterations are both sides' defaults.
tsne = TSNE(n_components=2, perplexity=args.perplexity, method="barnes_hut", angle=0.5,
            init="random", learning_rate="auto", n_iter=args.iterations, n_jobs=args.threads,
            random_state=0)
y = tsne.fit_transform(x).astype(np.float32)
seconds = time.perf_counter() - start
y.tofile(args.output)
print(json.dumps({"sklearn": sklearn.__version__, "rows": int(x.shape[0]), "seconds": round(seconds, 2),
                  "kl_divergence": round(float(tsne.kl_divergence_), 4), "iterations": int(tsne.n_iter_)}))
