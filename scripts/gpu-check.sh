#!/usr/bin/env bash
# The GPU check, in one go and in under 8 minutes: builds uflow in Release with CUDA, runs the
# GPU tests (ctest -L cuda: backend parity), our benches on CUDA (core, extractor, flow, nfa),
# the PyTorch reference bench (tools/reference/bench_torch.py) with the same shapes and batch
# sizes, and prints our speed-up over PyTorch for every figure both sides measured.
#
#   scripts/gpu-check.sh            # on a machine with an NVIDIA GPU
#   scripts/gpu-check.sh --cpu      # the same comparison on the CPU only (no CUDA build)
#
# Everything printed also goes to $OUT/gpu-check.log ($OUT defaults to ./gpu-check-out), with
# the machine-readable RESULT lines of each side in results-uflow.txt and results-torch.txt.
# Each step runs under `timeout`, capped by what is left of the overall budget, so a slow step
# is cut short instead of overrunning; skipped or cut steps say so in the log.
#
# The PyTorch side needs torch, timm and FrEIA in python3. Where FrEIA is missing and the
# machine has no network, put its wheel in .whl/ beforehand (made on any machine with
# `python3 -m pip download --no-deps -d .whl FrEIA==0.2`, a pure-Python wheel); the script
# installs it into a temporary folder for this run only.
#
# Environment: UFLOW_CHECK_BUDGET (seconds, default 470), UFLOW_CHECK_BUILD_DIR (default
# build-gpu-check, or build-cpu-check with --cpu), UFLOW_CMAKE_ARGS (extra configure
# arguments), UFLOW_CHECK_TF32=1 (also time extractor and flow with TF32 on both sides).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

mode=cuda
[ "${1:-}" = "--cpu" ] && mode=cpu
out_dir=${OUT:-./gpu-check-out}
mkdir -p "$out_dir"
log="$out_dir/gpu-check.log"
ours="$out_dir/results-uflow.txt"
theirs="$out_dir/results-torch.txt"
: >"$ours"
: >"$theirs"
exec > >(tee "$log") 2>&1

start=$(date +%s)
budget=${UFLOW_CHECK_BUDGET:-470}
jobs=$(nproc 2>/dev/null || echo 4)
if [ "$mode" = cuda ]; then
  build_dir=${UFLOW_CHECK_BUILD_DIR:-build-gpu-check}
else
  build_dir=${UFLOW_CHECK_BUILD_DIR:-build-cpu-check}
fi
export PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore

left() { echo $((budget - ($(date +%s) - start))); }

# step NAME CAP_SECONDS [--results FILE] COMMAND...: runs COMMAND under timeout, capped by the
# budget left; RESULT lines of its output are appended to FILE.
step() {
  local name=$1 cap=$2
  shift 2
  local results=""
  if [ "$1" = "--results" ]; then
    results=$2
    shift 2
  fi
  local remaining
  remaining=$(left)
  if [ "$remaining" -lt 10 ]; then
    echo "=== $name: SKIPPED (time budget spent)"
    return 1
  fi
  [ "$cap" -gt "$remaining" ] && cap=$remaining
  echo "=== $name (limit ${cap}s): $*"
  local t0 rc
  t0=$(date +%s)
  if [ -n "$results" ]; then
    timeout --kill-after=5 "$cap" "$@" | tee -a "$results.raw"
    rc=${PIPESTATUS[0]}
    grep '^RESULT ' "$results.raw" >>"$results" 2>/dev/null
    rm -f "$results.raw"
  else
    timeout --kill-after=5 "$cap" "$@"
    rc=$?
  fi
  local took=$(($(date +%s) - t0))
  case $rc in
    0) echo "=== $name: done in ${took}s" ;;
    124 | 137) echo "=== $name: CUT at ${cap}s (timeout)" ;;
    *) echo "=== $name: FAILED (exit $rc) after ${took}s" ;;
  esac
  return "$rc"
}

echo "uflow GPU check ($mode), $(date -u '+%Y-%m-%d %H:%M:%S UTC'), budget ${budget}s"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name\s*:/cpu:/'
echo "cpu threads: $jobs"
if [ "$mode" = cuda ]; then
  if ! nvidia-smi -L 2>/dev/null; then
    echo "no NVIDIA GPU visible (nvidia-smi); run scripts/gpu-check.sh --cpu for the CPU parts"
    exit 1
  fi
fi

# ---------------------------------------------------------------- Python side prerequisites
tmp_site=""
if ! python3 -c "import FrEIA" 2>/dev/null; then
  if ls .whl/*.whl >/dev/null 2>&1; then
    tmp_site=$(mktemp -d)
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target "$tmp_site" .whl/*.whl && export PYTHONPATH="$tmp_site${PYTHONPATH:+:$PYTHONPATH}"
  fi
fi
python3 -c "import torch, timm, FrEIA; print('python:', 'torch', torch.__version__, '| timm', timm.__version__, '| FrEIA ok')" 2>/dev/null ||
  echo "python: torch, timm or FrEIA missing; the PyTorch figures that need them will fail"
trap '[ -n "$tmp_site" ] && rm -rf "$tmp_site"' EXIT

# ---------------------------------------------------------------- build and GPU tests
built=0
if [ "$mode" = cuda ]; then
  cuda_flag=-DUFLOW_CUDA=ON
else
  cuda_flag=-DUFLOW_CUDA=OFF
fi
# shellcheck disable=SC2086
if step "configure" 60 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$cuda_flag" \
  ${UFLOW_CMAKE_ARGS:-}; then
  # Only what this check runs: the command and the GPU test executables.
  targets=(uflow)
  if [ "$mode" = cuda ]; then
    while read -r t; do targets+=("${t/./_}"); done < <(
      (cd "$build_dir" && ctest -N -L cuda) | sed -n 's/^ *Test *#[0-9]*: *\(cuda\.[A-Za-z0-9_]*\)$/\1/p')
  fi
  step "build (${targets[*]})" 240 cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}" &&
    built=1
fi
if [ "$built" = 1 ] && [ "$mode" = cuda ]; then
  step "GPU tests (ctest -L cuda)" 60 ctest --test-dir "$build_dir" -L cuda --output-on-failure \
    -j4 --timeout 50
fi

# ---------------------------------------------------------------- benches, ours then PyTorch's
uflow="$build_dir/uflow"
bt=(python3 tools/reference/bench_torch.py)
dev=(--device "$mode")
if [ "$mode" = cuda ]; then
  ex_cfg=(--config paper --batch "1,16")
  flow_batch=(--batch "1,16,32")
else
  # The paper extractor takes many seconds per image on a CPU: the small pair keeps the
  # comparison inside the budget.
  ex_cfg=(--config small --batch 1 --runs 3)
  flow_batch=(--batch 4 --runs 3)
fi
ours_bench() {
  if [ "$built" = 1 ]; then
    step "$@"
  else
    echo "=== $1: SKIPPED (uflow was not built)"
  fi
}

core_args=()
[ "$mode" = cpu ] && core_args=(--cpu-only)
ours_bench "uflow bench core" 30 "$uflow" bench core "${core_args[@]}"
ours_bench "uflow bench flow" 60 --results "$ours" "$uflow" bench flow "${dev[@]}" "${flow_batch[@]}"
step "pytorch bench flow" 60 --results "$theirs" "${bt[@]}" flow "${dev[@]}" "${flow_batch[@]}"
ours_bench "uflow bench extractor" 60 --results "$ours" "$uflow" bench extractor "${dev[@]}" "${ex_cfg[@]}"
step "pytorch bench extractor" 75 --results "$theirs" "${bt[@]}" extractor "${dev[@]}" "${ex_cfg[@]}"
ours_bench "uflow bench nfa" 30 --results "$ours" "$uflow" bench nfa --device all
step "pytorch bench nfa (reference port)" 30 --results "$theirs" "${bt[@]}" nfa --repeats 11
if [ "${UFLOW_CHECK_TF32:-0}" = 1 ] && [ "$mode" = cuda ]; then
  ours_bench "uflow bench flow --tf32" 45 --results "$ours.tf32" "$uflow" bench flow "${dev[@]}" --batch 16 --tf32
  step "pytorch bench flow --tf32" 45 --results "$theirs.tf32" "${bt[@]}" flow "${dev[@]}" --batch 16 --tf32
  ours_bench "uflow bench extractor --tf32" 45 --results "$ours.tf32" "$uflow" bench extractor "${dev[@]}" --batch 16 --tf32
  step "pytorch bench extractor --tf32" 60 --results "$theirs.tf32" "${bt[@]}" extractor "${dev[@]}" --batch 16 --tf32
fi

# ---------------------------------------------------------------- side by side
compare() {
  python3 - "$1" "$2" "$3" <<'EOF'
import sys

def read(path):
    rows = {}
    try:
        lines = open(path).read().split("\n")
    except OSError:
        return rows
    for line in lines:
        if not line.startswith("RESULT "):
            continue
        kv = dict(item.split("=", 1) for item in line.split()[1:])
        rows[(kv["bench"], kv["case"], kv["device"], int(kv["batch"]))] = float(kv["ms_per_image"])
    return rows

ours, theirs, title = read(sys.argv[1]), read(sys.argv[2]), sys.argv[3]
print(f"\n{title}: ms per image (median), speed-up = PyTorch / uflow (> 1: uflow faster)")
print(f"{'bench':10} {'case':8} {'uflow on':8} {'batch':>5} {'uflow ms':>11} {'pytorch on':10} {'pytorch ms':>11} {'speed-up':>9}")
shown = 0
for (bench, case, device, batch), ms in sorted(ours.items()):
    # The reference NFA exists only on the CPU: every uflow device is set against it.
    ref_device = "cpu" if bench == "nfa" else device
    ref = theirs.get((bench, case, ref_device, batch))
    if ref is None:
        print(f"{bench:10} {case:8} {device:8} {batch:5} {ms:11.3f} {'-':10} {'(none)':>11} {'-':>9}")
        continue
    print(f"{bench:10} {case:8} {device:8} {batch:5} {ms:11.3f} {ref_device:10} {ref:11.3f} {ref / ms:8.2f}x")
    shown += 1
for key, ms in sorted(theirs.items()):
    if not any(k[0] == key[0] and k[1] == key[1] and k[3] == key[3] for k in ours):
        print(f"{key[0]:10} {key[1]:8} {'-':8} {key[3]:5} {'(none)':>11} {key[2]:10} {ms:11.3f} {'-':>9}")
if not shown:
    print("(no figure measured on both sides)")
EOF
}
compare "$ours" "$theirs" "uflow vs PyTorch, f32"
if [ -f "$ours.tf32" ] || [ -f "$theirs.tf32" ]; then
  compare "$ours.tf32" "$theirs.tf32" "uflow vs PyTorch, TF32 allowed on both"
fi
echo
echo "total $(($(date +%s) - start))s; log: $log"
