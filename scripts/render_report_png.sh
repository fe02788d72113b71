#!/usr/bin/env bash
# Render an HTML report to a PNG with headless Chromium, fully offline, to check how it looks.
# usage: scripts/render_report_png.sh report.html out.png [width] [height]
set -euo pipefail
html=$(readlink -f "$1"); out=$(readlink -f "${2:-report.png}")
width=${3:-1200}; height=${4:-3000}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "no chromium found" >&2; exit 1; }
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --screenshot="$out" \
  --window-size="$width,$height" "file://$html" >/dev/null 2>&1
echo "$out"
