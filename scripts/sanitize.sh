#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer (clang,
# CPU-only), any report fatal, plus the fuzz targets replaying their corpora (ctest label
# "fuzz"): memory errors and undefined behaviour fail here even where the normal build passes.
#
#   scripts/sanitize.sh              configure + build build-sanitize/, run every test
#   scripts/sanitize.sh -R <regex>   extra arguments go to ctest
#
# Needs clang and its sanitizer runtimes: scripts/install-deps.sh --sanitize installs them.
# The same build folder holds the fuzzers that scripts/fuzz.sh runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --sanitize
jobs=$(nproc 2>/dev/null || echo 2)
# Line tables are all a sanitizer report needs; full debug info made this build slower.
cmake -S . -B build-sanitize -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DUFLOW_CUDA=OFF -DUFLOW_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" >/dev/null
cmake --build build-sanitize -j"$jobs"
# detect_leaks: what a command leaks at exit does not matter to it, but a test that leaks shows
# an ownership bug. halt_on_error: the first report fails the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Known leaks of HDF5 on malformed files (a library bug; see the file).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0}
cd build-sanitize
ctest --output-on-failure -j"$jobs" -LE style "$@"
