#!/usr/bin/env bash
# README command 1: installs dependencies, builds, creates the Fashion-MNIST demo project (once)
# and opens it in the application. Without a display it says so and shows the headless
# equivalent instead of failing obscurely.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"

cli="$root/build/release/app/activelabel-cli"
gui="$root/build/release/app/activelabel"
project="${ACTIVELABEL_DEMO_PROJECT:-$HOME/ActiveLabel/fashion-mnist-demo}"

if [ ! -f "$project/project.sqlite" ]; then
  echo "Creating the demo project at $project (Fashion-MNIST: 20,000-image pool + 10,000 test images)…"
  mkdir -p "$(dirname "$project")"
  "$cli" import-fashion-mnist "$project" --limit 20000 --seed 1
fi
"$cli" status "$project"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat <<MSG

No display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open here.
Headless equivalents on the same project:
  $cli status "$project" --json
  $cli oracle "$project" --count 200      # simulated annotator labels 200 images
  $cli train "$project" --epochs 5
  $cli queue "$project" --count 10
Or run the window on a virtual display:
  xvfb-run -a -s "-screen 0 1280x800x24" $gui "$project"
MSG
  exit 0
fi
exec "$gui" "$project"
