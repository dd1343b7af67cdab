#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test with CTest. Tests that need a GPU report
# themselves as skipped when none is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh "$@"
jobs=$(nproc 2>/dev/null || echo 2)
cd build
ctest --output-on-failure -j"$jobs"
