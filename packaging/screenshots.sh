#!/usr/bin/env bash
# Saves screenshots of every page of the application, under Xvfb, on a small Fashion-MNIST demo
# project with a few rounds of (simulated) labelling, for the README and for looking at changes.
# Usage: packaging/screenshots.sh [OUT_DIR]   (default docs/screenshots). Needs a build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/docs/screenshots}
cli=$root/build/release/app/activelabel-cli
gui=$root/build/release/app/activelabel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project=$work/fashion-mnist-demo

"$cli" import-fashion-mnist "$project" --limit 5000 --seed 1 >/dev/null
for round in 1 2 3; do
  "$cli" oracle "$project" --count 100 --seed "$round" >/dev/null
  "$cli" train "$project" --seed "$round" >/dev/null 2>&1
done
mkdir -p "$out"
xvfb-run -a -s "-screen 0 1280x800x24" "$gui" --screenshots "$out" "$project"
