#!/bin/sh
# The long by-hand crash-safety run (issue 6). ctest runs tests/app/test_crashsafety.cpp with a
# modest count (12 labelling kills, 6 training kills, 8 GUI kills); this script runs the same
# harness with a large one: it starts `activelabel-cli label` in a loop, and the real main window
# labelling by key presses, SIGKILLs the process group at seeded random moments, and after every
# kill checks that each label reported "saved" (or shown as saved) is in the database, PRAGMA
# integrity_check is ok, the project reopens at once, and no checkpoint is torn.
#
# Usage: packaging/crash-test.sh [BUILD_DIR] [RUNS] [SEED]
#   BUILD_DIR  a configured and built tree (default build/release); needs the targets
#              app_test_crashsafety (which builds app_crashsafety_guidriver) and activelabel-cli
#              built
#   RUNS       labelling kills (default 200; about 2-4 s each, so 7-13 minutes)
#   SEED       random seed (default 20261128); a failure prints the seed to rerun it
# ACTIVELABEL_CRASH_GUI_RUNS sets the GUI kills (default 50; about 5 s each).
# The last line it prints is the summary: runs, kills, labels verified, lost (must be 0).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/release}
runs=${2:-${ACTIVELABEL_CRASH_RUNS:-200}}
seed=${3:-${ACTIVELABEL_CRASH_SEED:-20261128}}
gui_runs=${ACTIVELABEL_CRASH_GUI_RUNS:-50}
test_bin=$build/tests/app_test_crashsafety
[ -x "$test_bin" ] || { echo "crash-test.sh: $test_bin not built (cmake --build $build --target app_test_crashsafety activelabel-cli)" >&2; exit 1; }
[ -x "$build/app/activelabel-cli" ] || { echo "crash-test.sh: $build/app/activelabel-cli not built" >&2; exit 1; }
# Qt Test aborts a test function after 5 minutes by default; a long run needs ~3 s per kill (more
# on a loaded machine), so the limit follows the run count (it is per test function).
ACTIVELABEL_BIN_DIR=$build/app ACTIVELABEL_CRASH_RUNS=$runs ACTIVELABEL_CRASH_SEED=$seed ACTIVELABEL_CRASH_GUI_RUNS=$gui_runs \
  QTEST_FUNCTION_TIMEOUT=$(( (runs * 10 + 600) * 1000 )) QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 \
  "$test_bin"
