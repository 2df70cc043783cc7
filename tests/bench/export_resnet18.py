#!/usr/bin/python3
"""A user's own model for bench_gui_loop: torchvision's ResNet-18 (random weights: the timing is
the same as a pretrained one's) scripted to OUT with the sidecar OUT.json that ActiveLabel's
importer reads (input size, channels, ImageNet normalisation). With --images N, also the forward
speed of the same scripted module in PyTorch at that input size (the Python reference for the
feature pass). Prints one JSON object (bench/pythonreference.h)."""
import argparse, json, time

import torch
import torchvision

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--input-size", type=int, default=64)
parser.add_argument("--images", type=int, default=0)
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--threads", type=int, default=torch.get_num_threads())
args = parser.parse_args()
torch.set_num_threads(args.threads)

torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=10).eval()
scripted = torch.jit.script(model)
scripted.save(args.out)
side = {"input_size": [args.input_size, args.input_size], "channels": 3,
        "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
with open(args.out + ".json", "w") as f:
    json.dump(side, f)

result = {"model": args.out, "input_size": args.input_size, "threads": args.threads}
if args.images > 0:
    x = torch.randn(args.batch, 3, args.input_size, args.input_size)
    with torch.inference_mode():
        scripted(x)  # warm-up (and the JIT's profiling runs)
        scripted(x)
        start = time.perf_counter()
        done = 0
        while done < args.images:
            scripted(x)
            done += args.batch
        seconds = time.perf_counter() - start
    result["forward_images_per_second"] = done / seconds
print(json.dumps(result))
