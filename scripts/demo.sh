#!/usr/bin/env bash
# The whole method on built-in synthetic data, with nothing to download: installs the build
# dependencies, builds, then `uflow demo` generates an MVTec-style category, trains the flow on
# features of a small seeded random-weight CaiT, predicts, evaluates and writes a report.
# Extra arguments go to `uflow demo` (see `build/uflow demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
UFLOW_BUILD_TARGET=uflow bash scripts/build.sh >/tmp/uflow-demo-build.log 2>&1 || { tail -n 40 /tmp/uflow-demo-build.log; exit 1; }
exec ./build/uflow demo "$@"
