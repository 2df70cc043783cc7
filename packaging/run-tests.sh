#!/usr/bin/env bash
# README command 2: installs dependencies, builds, and runs the whole test suite with ctest, then
# the fuzzers for about a minute.
# GUI tests run on Qt's offscreen platform, so no display is needed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
cd "$root/build/release"
export QT_QPA_PLATFORM=offscreen
# Two suites at a time: the machine has two cores and most suites wait on a process or a server
# part of the time; no suite depends on running alone.
ctest --output-on-failure --timeout 1500 -j "${ACTIVELABEL_TEST_JOBS:-2}" "$@"
# Then a short libFuzzer run over the parsers (about a minute; clang 14, ASan+UBSan). A longer
# run: packaging/run-fuzzers.sh 1800 (see docs/testing.md). ACTIVELABEL_SKIP_FUZZ=1 leaves it out.
if [ "${ACTIVELABEL_SKIP_FUZZ:-0}" != 1 ]; then
  "$root/packaging/run-fuzzers.sh" "${ACTIVELABEL_FUZZ_SECONDS:-15}"
fi
