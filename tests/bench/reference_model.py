#!/usr/bin/python3
"""Python reference for bench_model: the same networks and work as ActiveLabel's model core, in
the obvious PyTorch configurations (eager NCHW, channels_last, optimize_for_inference(script)),
at several batch sizes; prints one JSON object with the best figure of each and all configs.
Run by bench_model with the same thread count (Debian's python3-torch); with --device cuda, by
tests/cuda/run-cuda-check.sh on the GPU machine (smallcnn training only)."""
import argparse, json, statistics, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class SmallCnn(nn.Module):
    # Same layers as model/backbone.cpp's smallcnn + head (dropout + linear).
    def __init__(self, classes=10):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1, bias=False); self.b1 = nn.BatchNorm2d(32)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1, bias=False); self.b2 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64 * 7 * 7, 128); self.drop = nn.Dropout(0.5); self.head = nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.b1(self.c1(x))), 2)
        x = F.max_pool2d(F.relu(self.b2(self.c2(x))), 2)
        return self.head(self.drop(F.relu(self.fc(torch.flatten(x, 1)))))


DEVICE = torch.device("cpu")


def synchronize():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def median_rate(fn, images, repeats):
    fn()  # warm-up (and JIT profiling)
    synchronize()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); synchronize(); times.append(time.perf_counter() - t)
    return images / statistics.median(times)


def inference_configs(make, shape, total, batches, repeats):
    out = {}
    data = torch.randn(total, *shape)
    for config in ("eager", "channels_last", "optimize_for_inference"):
        model = make().eval()
        x_all = data
        if config == "channels_last":
            model = model.to(memory_format=torch.channels_last)
            x_all = data.contiguous(memory_format=torch.channels_last)
        if config == "optimize_for_inference":
            model = torch.jit.optimize_for_inference(torch.jit.script(model))
        for b in batches:
            def run():
                with torch.inference_mode():
                    for i in range(0, total, b):
                        model(x_all[i:i + b])
            out[f"{config}/b{b}"] = median_rate(run, total, repeats)
    return out


def training_configs(total, batches, repeats):
    out = {}
    data = torch.randn(total, 1, 28, 28, device=DEVICE); target = torch.randint(0, 10, (total,), device=DEVICE)
    for config in ("eager", "channels_last"):
        for b in batches:
            torch.manual_seed(0)
            model = SmallCnn().to(DEVICE).train()
            x_all = data
            if config == "channels_last":
                model = model.to(memory_format=torch.channels_last)
                x_all = data.contiguous(memory_format=torch.channels_last)
            opt = torch.optim.Adam(model.parameters(), 1e-3)
            def run():
                for i in range(0, total, b):
                    opt.zero_grad(set_to_none=True)
                    F.cross_entropy(model(x_all[i:i + b]), target[i:i + b]).backward()
                    opt.step()
            out[f"{config}/b{b}"] = median_rate(run, total, repeats)
    return out


def frozen_round_rescore(labels, pool, steps):
    """What a framework without a feature cache does each round: train the head (features of
    the labelled images computed once), then re-run the whole network over the pool."""
    model = torch.jit.optimize_for_inference(torch.jit.script(SmallCnn().eval()))
    backbone = SmallCnn().eval()
    feats = nn.Sequential()
    x_lab = torch.randn(labels, 1, 28, 28); y = torch.randint(0, 10, (labels,)); x_pool = torch.randn(pool, 1, 28, 28)
    t = time.perf_counter()
    with torch.inference_mode():
        h = F.relu(backbone.fc(torch.flatten(F.max_pool2d(F.relu(backbone.b2(backbone.c2(
            F.max_pool2d(F.relu(backbone.b1(backbone.c1(x_lab))), 2)))), 2), 1)))
    h = h.clone()
    head = nn.Linear(128, 10); opt = torch.optim.Adam(head.parameters(), 1e-3)
    for s in range(steps):
        idx = torch.randint(0, labels, (64,))
        opt.zero_grad(); F.cross_entropy(head(F.dropout(h[idx], 0.5)), y[idx]).backward(); opt.step()
    with torch.inference_mode():
        for i in range(0, pool, 256):
            model(x_pool[i:i + 256])
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda: smallcnn training only, cuDNN without TF32")
    a = ap.parse_args()
    global DEVICE
    DEVICE = torch.device(a.device)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    r = 3 if a.quick else 5
    res = {"threads": torch.get_num_threads(), "torch": torch.__version__, "device": str(DEVICE)}
    if DEVICE.type == "cuda":
        torch.backends.cudnn.allow_tf32 = False  # as ActiveLabel runs it (model/device.cpp)
        res["smallcnn_training"] = training_configs(4096, [64, 128], r)
        best = max(res["smallcnn_training"], key=res["smallcnn_training"].get)
        res["smallcnn_training_best"] = {"config": best, "images_per_second": res["smallcnn_training"][best]}
        json.dump(res, sys.stdout, indent=1)
        print()
        return
    res["smallcnn_inference"] = inference_configs(SmallCnn, (1, 28, 28), 5120 if a.quick else 10240,
                                                  [64, 128, 256, 512], r)
    res["smallcnn_training"] = training_configs(2048 if a.quick else 4096, [64, 128], r)
    res["resnet18_inference"] = inference_configs(lambda: torchvision.models.resnet18(weights=None), (3, 224, 224),
                                                  32 if a.quick else 128, [32] if a.quick else [32, 64], 3)
    res["frozen_round_rescore_seconds"] = frozen_round_rescore(1000, 20000, 300)
    for k in ("smallcnn_inference", "smallcnn_training", "resnet18_inference"):
        best = max(res[k], key=res[k].get)
        res[k + "_best"] = {"config": best, "images_per_second": res[k][best]}
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
