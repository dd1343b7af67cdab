#!/usr/bin/env bash
# The whole method on built-in synthetic data, with nothing to download: installs the build
# dependencies, builds, then `uflow demo` generates an MVTec-style category, trains the flow on
# features of a small seeded random-weight CaiT, predicts, evaluates and writes a report.
# Extra arguments go to `uflow demo` (see `build/uflow demo --help`); paths in them, and the
# default output folder demo-run/, are relative to the directory the script is called from.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/build"
log=$root/build/demo-build.log
echo "demo: building uflow in $root/build (the first build takes a few minutes; log: $log)" >&2
# On a terminal, the build's progress on one line; elsewhere just the line above.
tty=0
[ -t 2 ] && tty=1
if ! (cd "$root" && UFLOW_BUILD_TARGET=uflow bash scripts/build.sh) 2>&1 | tee "$log" |
  awk -v tty="$tty" '
    match($0, /^\[ *[0-9]+%\]/) { if (tty) { printf "\r  build %s", substr($0, RSTART, RLENGTH) > "/dev/stderr"; fflush("/dev/stderr") } }
    END { if (tty) printf "\r                    \r" > "/dev/stderr" }'; then
  echo "demo: the build failed; the end of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
exec "$root/build/uflow" demo "$@"
