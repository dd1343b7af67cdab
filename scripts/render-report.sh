#!/usr/bin/env bash
# Renders an HTML report with headless Chromium to a PNG, to check that it displays:
#   scripts/render-report.sh demo-run/evaluation/report.html report.png
# Installs Debian's chromium when missing (needs root or sudo).
set -euo pipefail
html=${1:?usage: render-report.sh report.html out.png}
png=${2:?usage: render-report.sh report.html out.png}
[ -f "$html" ] || { echo "render-report: $html: file not found" >&2; exit 1; }
if ! command -v chromium >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
abs=$(readlink -f "$html")
out=$(readlink -f "$(dirname "$png")")/$(basename "$png")
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2400 \
  --screenshot="$out" "file://$abs" >/dev/null 2>&1
[ -s "$out" ] || { echo "render-report: chromium wrote no image" >&2; exit 1; }
echo "rendered $html -> $out"
