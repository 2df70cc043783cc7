#!/usr/bin/env bash
# Installs every Debian 12 package ActiveLabel needs to build, run and test.
# Idempotent: packages already present are skipped by apt-get; safe to run repeatedly.
set -euo pipefail

packages=(
  # build toolchain
  build-essential cmake ninja-build ccache pkg-config
  # Qt 6.4 (Widgets, Charts, Sql, Test); Charts needs the OpenGL dev package to be found by CMake
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6sql6-sqlite qt6-image-formats-plugins
  libgl-dev
  # run time: the SVG icon engine (window icon), loaded as a plugin
  libqt6svg6
  # model and image stack
  libtorch-dev libopencv-dev libsqlite3-dev zlib1g-dev
  # the ONNX export builds its ModelProto with libonnx (its CMake config; libtorch links the same
  # libonnx1); its test reads the file with OpenCV's dnn module (in libopencv-dev already)
  libonnx-dev libopencv-dnn-dev
  # look-alikes: approximate nearest neighbours over the pool's embeddings (header-only);
  # the benchmark's reference is its Python binding
  libhnswlib-dev python3-hnswlib
  # team projects on a PostgreSQL server: the client library (libpq)
  libpq-dev
  # optimised BLAS: without it LibTorch falls back to reference BLAS (~1.5x slower training)
  libopenblas0-pthread
  # the embedded default dataset
  dataset-fashion-mnist
  # tests: interop reference (Debian's python torch), offscreen/Xvfb GUI runs, sqlite shell
  python3-torch python3-torchvision python3-pil xvfb xauth sqlite3
  # tests: onnx.checker on the ONNX export
  python3-onnx
  # tests: the storage suites start their own PostgreSQL 15 server (initdb under /tmp)
  postgresql-15
  # tests: fuzzing (libFuzzer needs clang and its runtime), the corpus test's CMYK JPEG (libjpeg)
  clang-14 libclang-rt-14-dev libjpeg-dev
  # tests of the packaging metadata (desktop entry, AppStream) and the .deb test's clean root
  desktop-file-utils appstream debootstrap
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
