#!/usr/bin/env bash
# Configures and builds ActiveLabel (Release, Ninja, ccache) into build/release.
# Usage: packaging/build.sh [extra cmake --build args, e.g. --target activelabel-cli]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# The PCH defines and __TIME__ macros would otherwise make ccache miss on every build.
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
# Paths below the checkout hash as relative ones, so that another clone or worktree hits the cache.
export CCACHE_BASEDIR="$root"
cmake --preset release >/dev/null
cmake --build --preset release "$@"
