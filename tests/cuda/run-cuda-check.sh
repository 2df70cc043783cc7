#!/bin/bash
# The model suites on a GPU: builds model/ and tests/model against the LibTorch inside Python's
# torch (a CUDA build on the GPU machine), with Qt and OpenCV from the bundle that
# prepare-bundle.sh made on Debian, then runs the suites that use the classifier with the
# default device (CUDA when the build and machine have it). No CMake: that machine has no Qt.
# Then tests/bench/bench_device (GPU beside CPU throughput) and Python's reference figures.
#   tests/cuda/run-cuda-check.sh [BUNDLE] [LOGDIR]     (defaults: .cuda-bundle, /tmp/cuda-check)
# Environment: PYTHON (default python3), JOBS (default nproc), SUITES (default below),
# SUITE_TIMEOUT (seconds per suite, default 300).
set -uo pipefail
cd "$(dirname "$0")/../.."
bundle=$(realpath "${1:-.cuda-bundle}")
logs=${2:-/tmp/cuda-check}
python=${PYTHON:-python3}
jobs=${JOBS:-$(nproc)}
suites=${SUITES:-test_device test_classifier test_learning test_torchscriptimport}
work=$(mktemp -d)
mkdir -p "$logs"

echo "== machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 || true
g++ --version | head -1
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'

tar -C "$work" -xJf "$bundle/sysroot.tar.xz" || exit 1
sys=$work
torchdir=$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
abi=$("$python" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
torchlibs="-ltorch -ltorch_cpu -lc10"
[ -e "$torchdir/lib/libtorch_cuda.so" ] && torchlibs="$torchlibs -ltorch_cuda -lc10_cuda"

flags=(-std=c++17 -O2 -fPIC -w -DQT_NO_KEYWORDS '-DACTIVELABEL_VERSION="cuda-check"' "-D_GLIBCXX_USE_CXX11_ABI=$abi"
       -I. -Itests -Itests/model -I"$bundle/moc" -isystem "$sys/include/qt6" -isystem "$sys/include/qt6/QtCore"
       -isystem "$sys/include/qt6/QtTest" -isystem "$sys/include/opencv4" -isystem "$sys/include"
       -isystem "$torchdir/include" -isystem "$torchdir/include/torch/csrc/api/include")
printf '%q\n' "${flags[@]}" > "$work/flags" # a gcc response file: keeps the quoted macro intact

echo "== compiling model/ ($jobs jobs)"
start=$SECONDS
find model -name '*.cpp' | sort > "$work/sources"
compile() { # source -> object, errors into the log
    local obj=$work/obj/${1//\//_}.o
    mkdir -p "$work/obj"
    g++ @"$work/flags" -c "$1" -o "$obj" 2> "$obj.log" || { echo "FAILED: $1"; head -c 6000 "$obj.log"; return 1; }
}
export -f compile && export work
xargs -P "$jobs" -I{} bash -c 'compile {}' < "$work/sources"
failed=$?
echo "model/ compiled in $((SECONDS - start)) s"
[ $failed -ne 0 ] && { echo "model/ did not compile"; exit 1; }
ar rcs "$work/libmodel.a" "$work"/obj/*.o

link=(-Wl,--no-as-needed -L"$torchdir/lib" $torchlibs -Wl,--as-needed
      "$sys/lib/libQt6Test.so.6" "$sys/lib/libQt6Core.so.6" "$sys/lib/libopencv_imgproc.so.406"
      "$sys/lib/libopencv_core.so.406" -l:libz.so.1 -lpthread -Wl,-rpath,"$torchdir/lib" -Wl,-rpath-link,"$sys/lib"
      -Wl,--allow-shlib-undefined)
# The fixtures' Fashion-MNIST reader (tests/support) is the one piece of the test support library
# these programs need; the rest wants storage/ or Qt Gui, which this machine does not have.
build() { # name source
    ( g++ @"$work/flags" "$2" tests/support/fashionmnist.cpp "$work/libmodel.a" -o "$work/$1" "${link[@]}" \
        2> "$work/$1.build.log" || { echo "FAILED to build $1"; head -c 6000 "$work/$1.build.log"; } ) &
}
for suite in $suites; do
    build "$suite" "tests/model/$suite.cpp"
done
build bench_device tests/bench/bench_device.cpp
wait

status=0
export LD_LIBRARY_PATH=$sys/lib QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=${OMP_NUM_THREADS:-8}
export ACTIVELABEL_TEST_THREADS=$OMP_NUM_THREADS ACTIVELABEL_TEST_PYTHON=$(command -v "$python")
export ACTIVELABEL_FASHION_MNIST_DIR=$bundle/data ACTIVELABEL_SOURCE_DIR=$PWD ACTIVELABEL_TEST_DATA=$PWD/tests/data
for suite in $suites; do
    [ -x "$work/$suite" ] || { status=1; continue; }
    echo "== $suite"
    start=$SECONDS
    timeout "${SUITE_TIMEOUT:-300}" "$work/$suite" > "$logs/$suite.log" 2>&1
    rc=$?
    grep -E "^(PASS|FAIL|SKIP|QINFO|QWARN|QDEBUG|Totals)|Loc:|Actual|Expected" "$logs/$suite.log" | grep -v "^PASS   : .*::init\|cleanup" | head -120
    echo "$suite: exit $rc, $((SECONDS - start)) s"
    [ $rc -eq 0 ] || status=1
done
echo "== bench_device"
if [ -x "$work/bench_device" ]; then
    timeout "${SUITE_TIMEOUT:-300}" "$work/bench_device" --threads "$OMP_NUM_THREADS" 2>&1 | tee "$logs/bench_device.log"
else
    status=1
fi
if "$python" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    echo "== Python reference: smallcnn training on the GPU (compare bench_device)"
    "$python" tests/bench/reference_model.py --device cuda --threads "$OMP_NUM_THREADS" > "$logs/reference_cuda.json" 2>&1
    cat "$logs/reference_cuda.json"
fi
rm -rf "$work"
exit $status
