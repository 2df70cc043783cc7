#!/usr/bin/python3
"""Python reference for bench_endtoend: score a list of PNG files end to end (PIL decode, to a
normalised float tensor, smallcnn inference) in the best inference configuration of
reference_model.py (optimize_for_inference of the scripted model, several batch sizes), with the
same thread count. Prints one JSON object: every configuration's images/s and the best."""
import argparse, json, os, statistics, sys, time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_model import SmallCnn  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    paths = open(a.files).read().split()
    model = torch.jit.optimize_for_inference(torch.jit.script(SmallCnn().eval()))

    def score(batch):
        with torch.inference_mode():
            for i in range(0, len(paths), batch):
                pixels = np.stack([np.asarray(Image.open(p).convert("L"), dtype=np.uint8)
                                   for p in paths[i:i + batch]])
                x = torch.from_numpy(pixels).unsqueeze(1).float().div_(255.0).sub_(0.5).div_(0.5)
                model(x)

    res = {"threads": torch.get_num_threads(), "files": len(paths)}
    for batch in (128, 256):
        score(batch)  # warm-up: page cache, JIT profiling
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter(); score(batch); times.append(time.perf_counter() - t)
        res[f"optimize_for_inference/b{batch}"] = len(paths) / statistics.median(times)
    best = max((k for k in res if "/" in k), key=res.get)
    res["best"] = {"config": best, "images_per_second": res[best]}
    json.dump(res, sys.stdout)
    print()


if __name__ == "__main__":
    main()
