#!/usr/bin/env bash
# Configures and builds uflow in build/ (Release). Extra arguments go to cmake's configure
# step, e.g. scripts/build.sh -DUFLOW_CUDA=OFF. UFLOW_BUILD_TARGET=<target> builds only that target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$jobs" ${UFLOW_BUILD_TARGET:+--target "$UFLOW_BUILD_TARGET"}
