#!/bin/bash
# Packs what the GPU check (run-cuda-check.sh) needs from this Debian machine into one folder: the
# GPU machine has a CUDA LibTorch (Python's torch) but no Qt, OpenCV or Fashion-MNIST. Headers and
# shared libraries of Qt Core/Test and OpenCV core/imgproc with their dependencies (minus glibc
# and the compiler runtime, which the other machine has in newer versions), the moc output of the
# model test suites, and the Fashion-MNIST slice the suites read.
#   tests/cuda/prepare-bundle.sh [OUTDIR]        (default: .cuda-bundle, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-.cuda-bundle}
rm -rf "$out" && mkdir -p "$out/moc" "$out/data"
stage=$(mktemp -d) && trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/include/qt6" "$stage/lib"

qt=/usr/include/x86_64-linux-gnu/qt6
cp -r "$qt/QtCore" "$qt/QtTest" "$stage/include/qt6/"
cp -r /usr/include/opencv4 "$stage/include/"
cp /usr/include/zlib.h /usr/include/zconf.h "$stage/include/"

# The libraries and everything they load, except what every Linux has (or must not be replaced).
skip='^(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|libgomp|libz|ld-linux-x86-64)\.so'
roots=(libQt6Core.so.6 libQt6Test.so.6 libopencv_core.so.406 libopencv_imgproc.so.406)
for root in "${roots[@]}"; do
    path=/usr/lib/x86_64-linux-gnu/$root
    cp -L "$path" "$stage/lib/"
    ldd "$path" | awk '$3 ~ /^\// {print $1, $3}' | while read -r name file; do
        [[ $name =~ $skip ]] || cp -Ln "$file" "$stage/lib/$name"
    done
done
tar -C "$stage" -cJf "$out/sysroot.tar.xz" include lib

for src in tests/model/test_*.cpp; do
    /usr/lib/qt6/libexec/moc "$src" -o "$out/moc/$(basename "${src%.cpp}").moc"
done

# The first 1,100 training images (all tests/model reads) and the whole test split.
/usr/bin/python3 - "$out/data" <<'PY'
import gzip, shutil, struct, sys
src, dst, n = "/usr/share/datasets/fashion-mnist", sys.argv[1], 1100
with gzip.open(f"{src}/train-images-idx3-ubyte.gz") as f:
    magic, _, rows, cols = struct.unpack(">IIII", f.read(16))
    pixels = f.read(n * rows * cols)
with gzip.open(f"{dst}/train-images-idx3-ubyte.gz", "wb") as f:
    f.write(struct.pack(">IIII", magic, n, rows, cols) + pixels)
with gzip.open(f"{src}/train-labels-idx1-ubyte.gz") as f:
    magic, _ = struct.unpack(">II", f.read(8))
    labels = f.read(n)
with gzip.open(f"{dst}/train-labels-idx1-ubyte.gz", "wb") as f:
    f.write(struct.pack(">II", magic, n) + labels)
for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
    shutil.copy(f"{src}/{name}", f"{dst}/{name}")
PY
du -sh "$out"
