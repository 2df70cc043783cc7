#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang 14, ASan+UBSan) into build/fuzz and runs each
# for SECONDS_PER_TARGET seconds (default 15: about a minute for the four targets), starting from
# the checked-in seed corpus. Exits non-zero when a target crashes, leaks, times out or breaks an
# invariant; the input that did it is left in build/fuzz/artifacts/.
# Usage: packaging/run-fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]
# A longer run (e.g. 30 minutes per target, both cores):
#   FUZZ_JOBS=2 packaging/run-fuzzers.sh 1800
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-15}
shift || true
build="$root/build/fuzz"

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
CC=clang-14 CXX=clang++-14 cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in "$root"/tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

mkdir -p "$build/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for target in "${targets[@]}"; do
  name=${target#fuzz_}
  # New inputs go to a working corpus under build/; the checked-in seeds stay as they are.
  work="$build/corpus/$name"
  mkdir -p "$work"
  echo "run-fuzzers: $target for ${seconds}s"
  log="$build/$target.log"
  if "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
       -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
       ${FUZZ_JOBS:+-fork="$FUZZ_JOBS"} \
       "$work" "$root/tests/fuzz/corpus/$name" >"$log" 2>&1; then
    # The final stats: executions and their rate.
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
    echo "run-fuzzers: $target ok: ${runs:-?} executions in ${seconds}s, corpus $(ls "$work" | wc -l) inputs"
  else
    echo "run-fuzzers: $target FAILED (log: $log)" >&2
    grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-fuzzers: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzzers: all ${#targets[@]} targets ran ${seconds}s each without a finding"
