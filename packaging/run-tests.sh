#!/usr/bin/env bash
# README command 2: installs dependencies, builds, and runs the whole test suite with ctest.
# GUI tests run on Qt's offscreen platform, so no display is needed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
cd "$root/build/release"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure --timeout 1500 "$@"
