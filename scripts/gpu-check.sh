#!/usr/bin/env bash
# The GPU check, in one go and in under 8 minutes, on a GPU machine without network: unpacks
# the dependency bundle (.device-bundle/, made by scripts/device-bundle.sh) into a private
# prefix, configures and builds uflow in Release with CUDA against it and against the cuDNN /
# cuBLAS it finds (CUDA toolkit, else the pip wheels beside PyTorch), runs every GPU test
# (ctest -L cuda; a skipped test is a failure here), our benches on CUDA (core, extractor,
# flow, nfa; extractor and flow also replayed as CUDA graphs), the PyTorch reference bench
# (tools/reference/bench_torch.py) with the same shapes and batch sizes, prints our speed-up
# over PyTorch for every figure both sides measured (graph replays against PyTorch eager), and
# measures the accuracy cost of the reduced extractor precisions (uflow bench precision: tf32
# and bf16 against fp32 on the demo's pipeline: anomaly-map differences and metrics).
#
#   scripts/gpu-check.sh              # on a machine with an NVIDIA GPU
#   scripts/gpu-check.sh --cpu        # the same comparison on the CPU only (no CUDA build)
#   scripts/gpu-check.sh --rehearse   # here, without a GPU: unpack, configure and build against
#                                     # the bundle ONLY, with this machine's own copies hidden
#                                     # (scripts/without-system-deps.sh), check where every
#                                     # dependency came from, run the GPU tests (they skip)
#
# Everything printed also goes to $OUT/gpu-check.log ($OUT defaults to ./gpu-check-out), with
# the machine-readable RESULT lines of each side in results-uflow.txt and results-torch.txt,
# every stage's outcome and the comparison tables in summary.txt, the ACCURACY lines of the
# precision study in accuracy.txt, and CTest's own log of the GPU tests in ctest-cuda.log.
# Each stage runs under `timeout`, capped by its own budget and by what is left of the overall
# one, so a slow stage is cut short instead of overrunning; cut or skipped stages say so, and
# what was measured before is still compared and written. The exit status is 0 only when every
# stage passed.
#
# Environment: UFLOW_CHECK_BUDGET (seconds; default 470, 3600 with --rehearse),
# UFLOW_CHECK_JOBS (build jobs; default all cores, 2 with --rehearse), UFLOW_CHECK_BUILD_DIR
# (default build-gpu-check, build-cpu-check with --cpu, build-rehearse with --rehearse; made
# afresh unless UFLOW_CHECK_KEEP_BUILD=1), UFLOW_PREFIX (where the bundle is unpacked, default /tmp/uflow-prefix),
# UFLOW_CUDNN_ROOT / UFLOW_CUBLAS_ROOT (pin the library's folder, see cmake/cuda_libraries.cmake),
# UFLOW_CMAKE_ARGS (extra configure arguments), UFLOW_CHECK_TF32=1 (also time extractor and
# flow with TF32 on both sides), UFLOW_CHECK_BF16=1 (also time the extractor with bf16 GEMMs on
# both sides: --precision bf16). With --rehearse: UFLOW_REHEARSE_SITE (a folder where the
# nvidia-cudnn-cu13 and nvidia-cublas wheels are unpacked, see scripts/device-bundle.sh
# --cuda-wheels: the toolkit's cuDNN and cuBLAS are then hidden too and found through Python as
# on the GPU machine), UFLOW_REHEARSE_HIDE=0 (do not hide; rely on the path checks alone).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

mode=cuda
rehearse=0
for arg in "$@"; do
  case $arg in
    --cpu) mode=cpu ;;
    --rehearse) rehearse=1 ;;
    -h | --help)
      sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "gpu-check: unknown argument $arg (--cpu, --rehearse, --help)" >&2
      exit 2
      ;;
  esac
done

# The rehearsal runs itself again with the system's copies of the bundled packages hidden.
if [ "$rehearse" = 1 ] && [ -z "${UFLOW_SYSTEM_DEPS_HIDDEN:-}" ] && [ "${UFLOW_REHEARSE_HIDE:-1}" = 1 ]; then
  if bash scripts/without-system-deps.sh --check; then
    hide_cuda=0
    [ -n "${UFLOW_REHEARSE_SITE:-}" ] && hide_cuda=1
    UFLOW_HIDE_CUDA_LIBS=$hide_cuda exec bash scripts/without-system-deps.sh bash "$0" "$@"
  fi
  echo "gpu-check: cannot hide the system packages here; relying on the path checks alone"
fi

out_dir=${OUT:-./gpu-check-out}
mkdir -p "$out_dir"
log="$out_dir/gpu-check.log"
ours="$out_dir/results-uflow.txt"
theirs="$out_dir/results-torch.txt"
summary="$out_dir/summary.txt"
: >"$ours"
: >"$theirs"
: >"$summary"
rm -f "$ours.tf32" "$theirs.tf32" "$ours.bf16" "$theirs.bf16" "$out_dir/accuracy.txt"
exec > >(tee "$log") 2>&1
tee_pid=$!

start=$(date +%s)
if [ "$rehearse" = 1 ]; then
  budget=${UFLOW_CHECK_BUDGET:-3600}
  jobs=${UFLOW_CHECK_JOBS:-2}
  build_dir=${UFLOW_CHECK_BUILD_DIR:-build-rehearse}
elif [ "$mode" = cuda ]; then
  budget=${UFLOW_CHECK_BUDGET:-470}
  jobs=${UFLOW_CHECK_JOBS:-$(nproc 2>/dev/null || echo 4)}
  build_dir=${UFLOW_CHECK_BUILD_DIR:-build-gpu-check}
else
  budget=${UFLOW_CHECK_BUDGET:-470}
  jobs=${UFLOW_CHECK_JOBS:-$(nproc 2>/dev/null || echo 4)}
  build_dir=${UFLOW_CHECK_BUILD_DIR:-build-cpu-check}
fi
bundle=.device-bundle
prefix=${UFLOW_PREFIX:-/tmp/uflow-prefix}
export PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore
failed=0

left() { echo $((budget - ($(date +%s) - start))); }

# Records a stage's outcome for summary.txt; any outcome but "ok" fails the check.
note() {
  printf '%-34s %s\n' "$1" "$2" >>"$summary"
  case $2 in ok*) ;; *) failed=1 ;; esac
}

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
    note "$name" "SKIPPED (time budget spent)"
    return 1
  fi
  [ "$cap" -gt "$remaining" ] && cap=$remaining
  echo "=== $name (limit ${cap}s): $*"
  local t0 rc
  t0=$(date +%s)
  if [ -n "$results" ]; then
    timeout --kill-after=5 "$cap" "$@" | tee -a "$results.raw"
    rc=${PIPESTATUS[0]}
    grep -E '^(RESULT|ACCURACY) ' "$results.raw" >>"$results" 2>/dev/null
    rm -f "$results.raw"
  else
    timeout --kill-after=5 "$cap" "$@"
    rc=$?
  fi
  local took=$(($(date +%s) - t0))
  case $rc in
    0)
      echo "=== $name: done in ${took}s"
      note "$name" "ok (${took}s)"
      ;;
    124 | 137)
      echo "=== $name: CUT at ${cap}s (timeout)"
      note "$name" "CUT at ${cap}s"
      ;;
    *)
      echo "=== $name: FAILED (exit $rc) after ${took}s"
      note "$name" "FAILED (exit $rc, ${took}s)"
      ;;
  esac
  return "$rc"
}

# Prints the stages' outcomes, writes the verdict to summary.txt and ends the check.
finish() {
  echo
  echo "stages:"
  sed -n '/^$/q; p' "$summary" | sed 's/^/  /'
  local verdict=PASSED
  [ "$failed" = 0 ] || verdict=FAILED
  echo "gpu-check $verdict; total $(($(date +%s) - start))s; log: $log, summary: $summary"
  {
    echo
    echo "gpu-check $verdict; total $(($(date +%s) - start))s"
  } >>"$summary"
  # Let tee write the log's last lines before the caller collects it.
  exec >&- 2>&-
  wait "$tee_pid" 2>/dev/null
  exit "$failed"
}

# A check that is not a timed command: "check NAME COMMAND..." records ok or FAILED.
check() {
  local name=$1
  shift
  echo "=== $name"
  if "$@"; then
    note "$name" "ok"
    return 0
  fi
  echo "=== $name: FAILED"
  note "$name" "FAILED"
  return 1
}

what=$mode
[ "$rehearse" = 1 ] && what="$mode, rehearsal without a GPU"
echo "uflow GPU check ($what), $(date -u '+%Y-%m-%d %H:%M:%S UTC'), budget ${budget}s"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name\s*:/cpu:/'
echo "cpu threads: $(nproc 2>/dev/null), build jobs: $jobs"
echo "system: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $(getconf GNU_LIBC_VERSION 2>/dev/null), $(c++ --version 2>/dev/null | head -1)"
echo "cmake: $(cmake --version 2>/dev/null | head -1), ninja: $(ninja --version 2>/dev/null || echo none)"
if [ "$mode" = cuda ] && [ "$rehearse" = 0 ]; then
  if ! nvidia-smi -L 2>/dev/null; then
    echo "no NVIDIA GPU visible (nvidia-smi); run scripts/gpu-check.sh --cpu for the CPU parts"
    note "GPU present" "FAILED (nvidia-smi sees none)"
    finish
  fi
  nvidia-smi --query-gpu=driver_version,name,memory.total --format=csv,noheader 2>/dev/null |
    sed 's/^/driver, gpu, memory: /'
fi

# ---------------------------------------------------------------- dependencies from the bundle
use_bundle=0
if [ -d "$bundle/debs" ]; then
  use_bundle=1
elif [ "$rehearse" = 1 ]; then
  echo "gpu-check: --rehearse needs the bundle: run scripts/device-bundle.sh first"
  note "bundle" "FAILED (no $bundle)"
  finish
else
  echo "gpu-check: no $bundle; configuring against the system's packages"
fi
cmake_args=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
command -v ninja >/dev/null && cmake_args+=(-G Ninja)
if [ "$use_bundle" = 1 ]; then
  step "unpack bundle into $prefix" 60 bash scripts/bundle-prefix.sh "$bundle" "$prefix" ||
    finish
  cmake_args+=(-C "$prefix/uflow-deps.cmake")
  # Nothing from the environment may steer pkg-config away from the prefix.
  unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
fi
if [ "$rehearse" = 1 ]; then
  # CMake's own searches skip /usr: what the initial cache does not name is not found there.
  cmake_args+=(-DCMAKE_IGNORE_PREFIX_PATH=/usr)
fi

# ---------------------------------------------------------------- cuDNN and cuBLAS
# The toolkit's copy when it has one (headers and a real library, not a stub), else the pip
# wheel that Python finds (PyTorch's own), else a site-packages folder that holds it.
cuda_home=$(dirname "$(dirname "$(realpath "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)")")")
nvcc="$cuda_home/bin/nvcc"
toolkit_has() { # HEADER LIBRARY_GLOB
  local inc lib
  for inc in "$cuda_home/include" "$cuda_home/targets/x86_64-linux/include"; do
    [ -f "$inc/$1" ] || continue
    for lib in "$cuda_home/lib64" "$cuda_home/lib" "$cuda_home/targets/x86_64-linux/lib"; do
      compgen -G "$lib/$2" >/dev/null && return 0
    done
  done
  return 1
}
wheel_root() { # PYTHON_PACKAGE LIBRARY_GLOB
  python3 - "$1" "$2" <<'EOF' 2>/dev/null
import glob, importlib.util, os, site, sys
package, library = sys.argv[1], sys.argv[2]
candidates = []
try:
    spec = importlib.util.find_spec(package)
    if spec is not None:
        # The nvidia.* wheels are namespace packages: no __file__, only a search path.
        candidates += list(spec.submodule_search_locations or [])
        if spec.origin:
            candidates.append(os.path.dirname(spec.origin))
except (ImportError, ValueError):
    pass
for sp in site.getsitepackages() + [site.getusersitepackages()]:
    candidates.append(os.path.join(sp, *package.split(".")))
candidates += glob.glob("/opt/torch/.venv/lib/python3*/site-packages/" + package.replace(".", "/"))
for c in candidates:
    if glob.glob(os.path.join(c, "lib", library)) and os.path.isdir(os.path.join(c, "include")):
        print(c)
        break
EOF
}
if [ "$mode" = cuda ]; then
  cmake_args+=(-DUFLOW_CUDA=ON)
  if [ -n "${UFLOW_REHEARSE_SITE:-}" ] && [ "$rehearse" = 1 ]; then
    export PYTHONPATH="$UFLOW_REHEARSE_SITE${PYTHONPATH:+:$PYTHONPATH}"
  fi
  cudnn_root=${UFLOW_CUDNN_ROOT:-}
  if [ -z "$cudnn_root" ] && ! toolkit_has cudnn.h 'libcudnn.so*'; then
    cudnn_root=$(wheel_root nvidia.cudnn 'libcudnn.so*')
  fi
  cublas_root=${UFLOW_CUBLAS_ROOT:-}
  if [ -z "$cublas_root" ] && ! toolkit_has cublas_v2.h 'libcublas.so*'; then
    cublas_root=$(wheel_root nvidia.cu13 'libcublas.so*')
    [ -z "$cublas_root" ] && cublas_root=$(wheel_root nvidia.cublas 'libcublas.so*')
  fi
  echo "CUDA toolkit: $cuda_home ($("$nvcc" --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p'))"
  echo "cuDNN: ${cudnn_root:-from the CUDA toolkit}; cuBLAS: ${cublas_root:-from the CUDA toolkit}"
  [ -n "$cudnn_root" ] && cmake_args+=(-DUFLOW_CUDNN_ROOT="$cudnn_root")
  [ -n "$cublas_root" ] && cmake_args+=(-DUFLOW_CUBLAS_ROOT="$cublas_root")
else
  cmake_args+=(-DUFLOW_CUDA=OFF)
fi

# ---------------------------------------------------------------- Python side prerequisites
tmp_site=""
if [ "$rehearse" = 0 ] && ! python3 -c "import FrEIA" 2>/dev/null; then
  # One copy of each: two versions of a wheel stop the whole install.
  wheels=$(ls "$bundle"/wheels/*.whl 2>/dev/null || ls .whl/*.whl 2>/dev/null)
  if [ -n "$wheels" ]; then
    tmp_site=$(mktemp -d)
    # shellcheck disable=SC2086
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target "$tmp_site" $wheels && export PYTHONPATH="$tmp_site${PYTHONPATH:+:$PYTHONPATH}"
  fi
fi
if [ "$rehearse" = 0 ]; then
  python3 -c "import torch, timm, FrEIA; print('python:', 'torch', torch.__version__, '| timm', timm.__version__, '| FrEIA ok')" 2>/dev/null ||
    echo "python: torch, timm or FrEIA missing; the PyTorch figures that need them will fail"
fi
trap '[ -n "$tmp_site" ] && rm -rf "$tmp_site"' EXIT

# ---------------------------------------------------------------- configure, build, checks
# Where the bundle's libraries and headers were found: every path must lie in the prefix.
check_dependency_paths() {
  local cache="$build_dir/CMakeCache.txt" bad=0 key value
  for key in PKG_CONFIG_EXECUTABLE pkgcfg_lib_OPENBLAS_openblas OPENBLAS_INCLUDEDIR \
    pkgcfg_lib_PNG_png16 pkgcfg_lib_JPEG_jpeg HDF5_C_INCLUDE_DIR HDF5_hdf5_LIBRARY_RELEASE \
    STB_INCLUDE_DIR DOCTEST_INCLUDE_DIR CSV_INCLUDE_DIR CSV_LIBRARY pkgcfg_lib_LIBZIP_zip \
    LIBZIP_INCLUDEDIR nlohmann_json_DIR; do
    value=$(sed -n "s/^$key:[A-Z]*=//p" "$cache" | head -1)
    case "$value" in
      "$prefix"/*) echo "  $key = $value" ;;
      *)
        echo "  $key = ${value:-(unset)}: NOT in $prefix"
        bad=1
        ;;
    esac
  done
  # cuDNN and cuBLAS: inside the root the cache holds, if one (else the toolkit's or system's).
  local cudnn_cached cublas_cached
  cudnn_cached=$(sed -n 's/^UFLOW_CUDNN_ROOT:[A-Z]*=//p' "$cache")
  cublas_cached=$(sed -n 's/^UFLOW_CUBLAS_ROOT:[A-Z]*=//p' "$cache")
  for pair in "CUDNN_LIBRARY:$cudnn_cached" "CUDNN_INCLUDE_DIR:$cudnn_cached" \
    "CUDA_cublas_LIBRARY:$cublas_cached"; do
    key=${pair%%:*}
    value=$(sed -n "s/^$key:[A-Z]*=//p" "$cache" | head -1)
    [ -z "$value" ] && continue
    case "${pair#*:}" in
      "") echo "  $key = $value (no root given)" ;;
      *)
        case "$value" in
          "${pair#*:}"/*) echo "  $key = $value" ;;
          *)
            echo "  $key = $value: NOT in ${pair#*:}"
            bad=1
            ;;
        esac
        ;;
    esac
  done
  # No compile command may name the system's copy of a bundled library.
  if [ -f "$build_dir/compile_commands.json" ] &&
    grep -oE -- '-(I|isystem) ?/usr/include/(hdf5|doctest|stb|x86_64-linux-gnu/openblas)[^ "]*' \
      "$build_dir/compile_commands.json" | sort -u | grep .; then
    echo "  compile commands name system include folders (above)"
    bad=1
  fi
  return $bad
}

# Which files the build really read: no header of a bundled library from the system.
check_headers_read() {
  [ -f "$build_dir/build.ninja" ] || {
    echo "  (not a ninja build: skipped)"
    return 0
  }
  local deps system
  deps=$(ninja -C "$build_dir" -t deps 2>/dev/null)
  system=$(grep -E '^ +/usr/include/(hdf5|doctest|stb|csv\.h|nlohmann|zip\.h|x86_64-linux-gnu/(openblas|cblas|zipconf))' <<<"$deps" | sort -u)
  if [ -n "$system" ]; then
    echo "$system" | head
    echo "  system headers of bundled libraries were read (above)"
    return 1
  fi
  echo "  headers read from the prefix: $(grep -E "^ +$prefix/" <<<"$deps" | sort -u | wc -l)" \
    "(e.g. $(grep -oE "$prefix/usr/include/(hdf5/serial/hdf5\.h|doctest/doctest\.h|stb/stb_image\.h)" <<<"$deps" | sort -u | tr '\n' ' '))"
  if [ "$mode" = cuda ]; then
    echo "  cudnn.h read from: $(grep -E '/cudnn\.h$' <<<"$deps" | sort -u | tr -d ' ' | tr '\n' ' ')"
    echo "  cublas_api.h read from: $(grep -E '/cublas_api\.h$' <<<"$deps" | sort -u | tr -d ' ' | tr '\n' ' ')"
  fi
}

# Every shared library of an executable resolves, the bundled ones from the prefix.
check_loads() {
  local exe=$1 out bad=0 lib where
  out=$(ldd "$exe" 2>&1)
  if grep -q 'not found' <<<"$out"; then
    grep 'not found' <<<"$out"
    bad=1
  fi
  for lib in libopenblas.so.0 libhdf5_serial.so.103 libstb.so.0 libzip.so.4 libgfortran.so.5 \
    libsz.so.2 libcurl.so.4 libz.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcudnn.so.9; do
    where=$(awk -v l="$lib" '$1 == l {print $3}' <<<"$out")
    [ -z "$where" ] && continue
    echo "  $lib => $where"
    if [ "$use_bundle" = 1 ] && [[ $lib != libcu* ]] && [[ $where != "$prefix"/* ]]; then
      echo "  $lib does not load from the prefix"
      bad=1
    fi
  done
  return $bad
}

built=0
# A fresh build, as on the bare GPU machine (UFLOW_CHECK_KEEP_BUILD=1 keeps an earlier one).
[ "${UFLOW_CHECK_KEEP_BUILD:-0}" = 1 ] || rm -rf "$build_dir"
if step "configure" 90 cmake -S . -B "$build_dir" "${cmake_args[@]}" ${UFLOW_CMAKE_ARGS:-}; then
  [ "$use_bundle" = 1 ] && check "dependencies from the prefix (CMakeCache)" check_dependency_paths
  # Only what this check runs: the command and the GPU test executables.
  targets=(uflow)
  if [ "$mode" = cuda ]; then
    while read -r t; do targets+=("${t/./_}"); done < <(
      (cd "$build_dir" && ctest -N -L cuda) | sed -n 's/^ *Test *#[0-9]*: *\(cuda\.[A-Za-z0-9_]*\)$/\1/p')
  fi
  build_cap=300
  [ "$rehearse" = 1 ] && build_cap=$budget
  step "build ${#targets[@]} targets, -j$jobs" "$build_cap" \
    cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}" && built=1
fi
if [ "$built" = 1 ]; then
  [ "$use_bundle" = 1 ] && check "headers read by the build" check_headers_read
  check "uflow loads its libraries (ldd)" check_loads "$build_dir/uflow"
fi

# ---------------------------------------------------------------- GPU tests
# Every CUDA test must run: UFLOW_REQUIRE_GPU=1 turns a test's skip into a failure, and a
# "Skipped" in CTest's report (or fewer tests than listed) fails the stage too.
gpu_tests() {
  local listed report rc
  listed=$(cd "$build_dir" && ctest -N -L cuda | sed -n 's/^Total Tests: *//p')
  report=$(UFLOW_REQUIRE_GPU=$1 ctest --test-dir "$build_dir" -L cuda --output-on-failure \
    -j4 --timeout 50 2>&1)
  rc=$?
  echo "$report"
  cp "$build_dir/Testing/Temporary/LastTest.log" "$out_dir/ctest-cuda.log" 2>/dev/null
  local skipped passed
  skipped=$(grep -cE '\*\*\*Skipped|Not Run' <<<"$report")
  passed=$(grep -cE 'Test +#[0-9]+: .* Passed' <<<"$report")
  echo "GPU tests: $passed passed, $skipped skipped, of $listed listed (ctest exit $rc)"
  [ "$rc" = 0 ] && [ "$skipped" = 0 ] && [ "${listed:-0}" -gt 0 ] && [ "$passed" = "$listed" ]
}
if [ "$built" = 1 ] && [ "$mode" = cuda ]; then
  if [ "$rehearse" = 0 ]; then
    # timeout runs programs, not functions: the stage runs in a child bash.
    export -f gpu_tests
    export build_dir out_dir
    step "GPU tests (ctest -L cuda, none may skip)" 90 bash -c 'gpu_tests "$1"' _ 1
  else
    # No GPU here: each test must report itself skipped and say why ...
    echo "=== GPU tests without a GPU (each must skip, saying why)"
    listed=$(cd "$build_dir" && ctest -N -L cuda | sed -n 's/^Total Tests: *//p')
    report=$(ctest --test-dir "$build_dir" -L cuda -V -j2 2>&1)
    grep -E 'Test +#[0-9]+: |SKIPPED:' <<<"$report" | grep -vE 'Test command|Start ' | head -30
    skipped=$(grep -cE '\*\*\*Skipped' <<<"$report")
    if [ "${listed:-0}" -gt 0 ] && [ "$skipped" = "$listed" ]; then
      note "GPU tests skip without a GPU" "ok ($skipped of $listed skipped)"
    else
      note "GPU tests skip without a GPU" "FAILED ($skipped of ${listed:-0} skipped)"
    fi
    # ... and fail as soon as a GPU is required.
    first=$(cd "$build_dir" && ctest -N -L cuda | sed -n 's/^ *Test *#[0-9]*: *cuda\.\([A-Za-z0-9_]*\)$/cuda_\1/p' | head -1)
    first_exe=$(find "$build_dir" -name "$first" -type f -perm -u+x | head -1)
    UFLOW_REQUIRE_GPU=1 "${first_exe:-$build_dir/$first}" >"$out_dir/require-gpu.txt" 2>&1
    rc=$?
    sed 's/^/  /' "$out_dir/require-gpu.txt" | head -3
    if [ "$rc" = 1 ]; then note "UFLOW_REQUIRE_GPU=1 fails ($first)" "ok"; else
      note "UFLOW_REQUIRE_GPU=1 fails ($first)" "FAILED (exit $rc)"
    fi
    rm -f "$out_dir/require-gpu.txt"
  fi
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
    note "$1" "SKIPPED (uflow was not built)"
  fi
}

if [ "$rehearse" = 1 ]; then
  # The CPU side of the binary built against the bundle: OpenBLAS and OpenMP from the prefix.
  ours_bench "uflow bench core --device cpu" 120 "$uflow" bench core --device cpu
  # The precision study's command line and ACCURACY lines, tiny and on the CPU (where every
  # precision computes in fp32): what the GPU run parses into accuracy.txt.
  ours_bench "uflow bench precision (tiny, CPU)" 300 --results "$out_dir/accuracy.txt" "$uflow" \
    bench precision --device cpu --epochs 1 --train-images 2 --test-good 1 --test-per-defect 1 \
    --image-size 64 --batch 2
  if [ "$built" = 1 ]; then
    if [ "$(grep -c '^ACCURACY ' "$out_dir/accuracy.txt" 2>/dev/null)" = 3 ]; then
      note "ACCURACY lines of bench precision" "ok (3 precisions)"
    else
      note "ACCURACY lines of bench precision" "FAILED (expected 3 in accuracy.txt)"
    fi
  fi
else
  core_args=()
  [ "$mode" = cpu ] && core_args=(--device cpu)
  ours_bench "uflow bench core" 30 "$uflow" bench core "${core_args[@]}"
  graph=()
  [ "$mode" = cuda ] && graph=(--graph)
  ours_bench "uflow bench flow" 60 --results "$ours" "$uflow" bench flow "${dev[@]}" "${flow_batch[@]}" "${graph[@]}"
  step "pytorch bench flow" 60 --results "$theirs" "${bt[@]}" flow "${dev[@]}" "${flow_batch[@]}"
  ours_bench "uflow bench extractor" 60 --results "$ours" "$uflow" bench extractor "${dev[@]}" "${ex_cfg[@]}" "${graph[@]}"
  step "pytorch bench extractor" 75 --results "$theirs" "${bt[@]}" extractor "${dev[@]}" "${ex_cfg[@]}"
  # The accuracy cost of the reduced extractor precisions: the demo's pipeline trained once in
  # fp32, its test set predicted with the extractor in fp32, tf32 and bf16 (ACCURACY lines).
  # Before the NFA benches: the issue's accuracy figure matters more than a second NFA timing.
  if [ "$mode" = cuda ]; then
    ours_bench "uflow bench precision" 60 --results "$out_dir/accuracy.txt" "$uflow" bench precision \
      "${dev[@]}" --epochs 5
  fi
  ours_bench "uflow bench nfa" 30 --results "$ours" "$uflow" bench nfa --device auto
  step "pytorch bench nfa (reference port)" 30 --results "$theirs" "${bt[@]}" nfa --repeats 11
  if [ "${UFLOW_CHECK_TF32:-0}" = 1 ] && [ "$mode" = cuda ]; then
    ours_bench "uflow bench flow --tf32" 45 --results "$ours.tf32" "$uflow" bench flow "${dev[@]}" --batch 16 --tf32
    step "pytorch bench flow --tf32" 45 --results "$theirs.tf32" "${bt[@]}" flow "${dev[@]}" --batch 16 --tf32
    ours_bench "uflow bench extractor --tf32" 45 --results "$ours.tf32" "$uflow" bench extractor "${dev[@]}" --batch 16 --tf32
    step "pytorch bench extractor --tf32" 60 --results "$theirs.tf32" "${bt[@]}" extractor "${dev[@]}" --batch 16 --tf32
  fi
  if [ "${UFLOW_CHECK_BF16:-0}" = 1 ] && [ "$mode" = cuda ]; then
    ours_bench "uflow bench extractor --precision bf16" 45 --results "$ours.bf16" "$uflow" bench extractor "${dev[@]}" --batch 16 --precision bf16 --graph
    step "pytorch bench extractor --precision bf16" 60 --results "$theirs.bf16" "${bt[@]}" extractor "${dev[@]}" --batch 16 --precision bf16
  fi
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
    # The reference NFA exists only on the CPU: every uflow device is set against it. A CUDA
    # graph replay (case "<case>+graph") is set against PyTorch's eager figure.
    ref_device = "cpu" if bench == "nfa" else device
    ref = theirs.get((bench, case.split("+")[0], ref_device, batch))
    if ref is None:
        print(f"{bench:10} {case:8} {device:8} {batch:5} {ms:11.3f} {'-':10} {'(none)':>11} {'-':>9}")
        continue
    print(f"{bench:10} {case:8} {device:8} {batch:5} {ms:11.3f} {ref_device:10} {ref:11.3f} {ref / ms:8.2f}x")
    shown += 1
for key, ms in sorted(theirs.items()):
    if not any(k[0] == key[0] and k[1].split("+")[0] == key[1] and k[3] == key[3] for k in ours):
        print(f"{key[0]:10} {key[1]:8} {'-':8} {key[3]:5} {'(none)':>11} {key[2]:10} {ms:11.3f} {'-':>9}")
if not shown:
    print("(no figure measured on both sides)")
EOF
}
if [ "$rehearse" = 0 ]; then
  compare "$ours" "$theirs" "uflow vs PyTorch, f32" | tee -a "$summary"
  if [ -f "$ours.tf32" ] || [ -f "$theirs.tf32" ]; then
    compare "$ours.tf32" "$theirs.tf32" "uflow vs PyTorch, TF32 allowed on both" | tee -a "$summary"
  fi
  if [ -f "$ours.bf16" ] || [ -f "$theirs.bf16" ]; then
    compare "$ours.bf16" "$theirs.bf16" "uflow vs PyTorch, bf16 GEMMs on both" | tee -a "$summary"
  fi
  if [ -s "$out_dir/accuracy.txt" ]; then
    {
      echo
      echo "extractor precision: accuracy cost against fp32 (uflow bench precision, demo pipeline)"
      sed 's/^ACCURACY /  /' "$out_dir/accuracy.txt"
    } | tee -a "$summary"
  fi
fi
finish
