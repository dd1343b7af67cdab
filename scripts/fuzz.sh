#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with ASan and UBSan (stb_image's BMP decoder compiled
# in; libpng, libjpeg-turbo and HDF5 are Debian's) and runs each for a bounded time:
#
#   scripts/fuzz.sh [seconds]        each target for `seconds` (default 60), one after another
#   scripts/fuzz.sh --seeds          rewrite the seed files of fuzz/corpus/<target>/
#
# Every target starts from fuzz/corpus/<target>/ (seeds and kept regression inputs). New
# coverage goes to build-sanitize/fuzz/corpus-<target>/, findings to
# build-sanitize/fuzz/findings-<target>/ (crash-*, leak-*, timeout-*); a finding ends the
# script with exit 1. Keep a fixed finding as fuzz/corpus/<target>/regression-<what>.<ext>:
# CTest replays the corpora (fuzz.<target>). Runs under `nice -n 19`: the fuzzers use one core.
# Environment: UFLOW_FUZZ_TARGETS (default: all five targets of fuzz/CMakeLists.txt),
# UFLOW_FUZZ_TIMEOUT (seconds one input may take, default 120).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --sanitize
targets=${UFLOW_FUZZ_TARGETS:-image_decode checkpoint_load nfa_input safetensors_header torch_pickle}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-sanitize -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DUFLOW_CUDA=OFF -DUFLOW_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" >/dev/null
build=(cmake --build build-sanitize -j"$jobs" --target)
if [ "${1:-}" = "--seeds" ]; then
  "${build[@]}" fuzz_make_seeds
  exec build-sanitize/fuzz/fuzz_make_seeds fuzz/corpus
fi
seconds=${1:-60}
for t in $targets; do "${build[@]}" "fuzz_$t"; done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Known leaks of HDF5 on malformed files (a library bug; see the file).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0}
status=0
for t in $targets; do
  work=build-sanitize/fuzz/corpus-$t
  findings=build-sanitize/fuzz/findings-$t
  mkdir -p "$work" "$findings"
  echo "=== fuzz_$t: ${seconds}s"
  # -rss_limit_mb / -malloc_limit_mb: an input that makes uflow allocate more than this is a
  # finding (the decode and file limits must stop it first). -timeout: one input, seconds of
  # wall-clock time: at nice 19 on a busy machine an input that needs 0.2 s of CPU can wait tens
  # of seconds, so replay a timeout-* finding alone (`fuzz_<target> <file>`) before trusting it.
  # HDF5 leaks on many error paths (fuzz/lsan.supp); a leak check after each such input would
  # take most of the time, so the HDF5 targets fuzz without it (CTest's replay of their corpora
  # still checks leaks, with the suppressions).
  extra=()
  case $t in checkpoint_load | nfa_input) extra=(-detect_leaks=0) ;; esac
  set +e
  nice -n 19 "build-sanitize/fuzz/fuzz_$t" "$work" "fuzz/corpus/$t" "${extra[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout="${UFLOW_FUZZ_TIMEOUT:-120}" \
    -artifact_prefix="$findings/" -print_final_stats=1 >"build-sanitize/fuzz/$t.log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' \
    "build-sanitize/fuzz/$t.log" || true
  if [ "$rc" -ne 0 ]; then
    echo "fuzz_$t: FINDING (exit $rc); log build-sanitize/fuzz/$t.log, input in $findings/"
    grep -m1 -A12 -E 'ERROR: |runtime error|uncaught exception|deadly signal' \
      "build-sanitize/fuzz/$t.log" || true
    status=1
  fi
done
exit $status
