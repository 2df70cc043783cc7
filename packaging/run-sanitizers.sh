#!/usr/bin/env bash
# Builds ActiveLabel with a sanitizer and runs its tests (not part of run-tests.sh: see
# docs/testing.md, "Sanitizer builds", for timings).
#   packaging/run-sanitizers.sh asan [ctest args]   ASan+UBSan build (build/asan), the whole suite
#   packaging/run-sanitizers.sh tsan [ctest args]   TSan build (build/tsan), the threaded tests
# Debian's Qt, OpenCV, OpenMP and LibTorch are not instrumented; reports that come from inside
# them, if any, are suppressed by commented files tests/sanitizers/<kind>.supp.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kind=${1:?usage: run-sanitizers.sh asan|tsan [ctest args]}
shift
supp="$root/tests/sanitizers"
jobs=${SANITIZER_BUILD_JOBS:-2}
# ":suppressions=FILE" for tests/sanitizers/<kind>.supp when there is one.
optional() { [ -f "$supp/$1.supp" ] && printf ':suppressions=%s' "$supp/$1.supp"; true; }

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cd "$root"
case "$kind" in
  asan)
    cmake --preset asan >/dev/null
    cmake --build build/asan -j "$jobs"
    # halt_on_error: a report fails the test.
    export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1${ASAN_EXTRA:+:$ASAN_EXTRA}"
    export LSAN_OPTIONS="print_suppressions=0$(optional lsan)"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1$(optional ubsan)"
    cd build/asan
    default=()
    ;;
  tsan)
    cmake --preset tsan >/dev/null
    cmake --build build/tsan -j "$jobs"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1$(optional tsan)"
    cd build/tsan
    # The tests that run our worker threads: the GUI's label writer, image decoder and training
    # worker (app/test_labeling), the live model loop (app/test_liveloop), thumbnail loader
    # (app/test_thumbnailcache), import runner with the whole window (app/test_rescan), the ui/
    # tests, parallel import and decoding (storage), the decoded-image cache (app) and the parallel
    # decoding of inference batches (model).
    default=(-R "${TSAN_TESTS:-ui/|app/test_labeling|app/test_liveloop|app/test_rescan|app/test_thumbnailcache|app/test_decodedimagecache|model/test_paralleldecode|storage/test_import|storage/test_imagedecoder}")
    ;;
  *) echo "run-sanitizers: unknown kind '$kind' (asan or tsan)" >&2; exit 2 ;;
esac
export QT_QPA_PLATFORM=offscreen
if [ $# -gt 0 ]; then default=(); fi
ctest --output-on-failure --timeout 3000 -j "${ACTIVELABEL_TEST_JOBS:-2}" "${default[@]}" "$@"
