#!/usr/bin/env bash
# Runs a command with this machine's own copies of uflow's bundled dependencies hidden, so that
# a build that still reached for them would fail here, as it would on the GPU machine that
# lacks them (scripts/gpu-check.sh --rehearse runs itself through this).
#
# The hiding lives in a private mount namespace (unshare -m): an overlay mounted on /usr inside
# it holds whiteouts for every file of the hidden packages; nothing changes outside the
# namespace, and it ends with the command. Hidden: the installed Debian packages of OpenBLAS,
# HDF5, doctest, stb, libpng, libjpeg-turbo, zlib's headers, libcsv, libzip, nlohmann-json,
# libsz/libaec, libgfortran/libquadmath and pkgconf (the libraries that the
# compiler, CMake and ninja do not load themselves; the rest of the bundle's runtime closure,
# such as zlib, OpenSSL or libcurl, must stay: those tools need them, and ldd shows which copy
# uflow loads instead). With UFLOW_HIDE_CUDA_LIBS=1 also the CUDA toolkit's cuDNN and cuBLAS,
# so that they must come from the pip wheels.
#
#   scripts/without-system-deps.sh --check     exit 0 when hiding is possible here (root,
#                                               unshare, overlayfs), else 3
#   scripts/without-system-deps.sh COMMAND...
set -euo pipefail

hidden_packages() {
  dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null |
    awk '$1 == "ii" {print $2}' |
    grep -E '^(libopenblas.*|libhdf5.*|hdf5-helpers|doctest-dev|libstb.*|libpng.*|libjpeg.*|zlib1g-dev|libcsv.*|libzip.*|nlohmann-json3-dev|libsz2|libaec.*|libgfortran[0-9].*|libquadmath[0-9]|pkgconf.*|pkg-config|libpkgconf[0-9]+)$' || true
}

cuda_library_files() {
  local cuda
  cuda=$(realpath /usr/local/cuda 2>/dev/null) || return 0
  find "$cuda"/ \( -name 'libcudnn*' -o -name 'cudnn*.h' -o -name 'libcublas*' \
    -o -name 'cublas*.h' \) \( -type f -o -type l \) 2>/dev/null
}

possible() {
  [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v dpkg-query >/dev/null &&
    unshare -m --propagation private sh -c \
      'd=$(mktemp -d) && mount -t tmpfs none "$d" && mkdir "$d/u" "$d/w" "$d/m" &&
       mount -t overlay overlay -o "lowerdir=/usr,upperdir=$d/u,workdir=$d/w" "$d/m"; r=$?;
       umount "$d/m" 2>/dev/null; umount "$d"; rmdir "$d"; exit $r' 2>/dev/null
}

if [ "${1:-}" = "--check" ]; then
  possible && exit 0
  exit 3
fi
[ $# -gt 0 ] || {
  echo "usage: scripts/without-system-deps.sh COMMAND... | --check" >&2
  exit 2
}

if [ "${1:-}" != "--inside" ]; then
  possible || {
    echo "without-system-deps: cannot hide packages here (needs root, unshare -m and overlayfs)" >&2
    exit 3
  }
  scratch=$(mktemp -d /tmp/uflow-hide.XXXXXX)
  rc=0
  unshare -m --propagation private bash "$0" --inside "$scratch" "$@" || rc=$?
  rmdir "$scratch" 2>/dev/null || true
  exit "$rc"
fi

# Inside the private namespace.
scratch=$2
shift 2
mount -t tmpfs none "$scratch"
mkdir -p "$scratch/upper" "$scratch/work"
count=0
while read -r path; do
  # Merged /usr: /lib/... is /usr/lib/...
  case "$path" in
    /usr/*) rel=${path#/usr/} ;;
    /lib/* | /lib64/* | /bin/* | /sbin/*) rel=${path#/} ;;
    *) continue ;;
  esac
  [ -d "$path" ] && [ ! -L "$path" ] && continue
  [ -e "$path" ] || [ -L "$path" ] || continue
  mkdir -p "$scratch/upper/$(dirname "$rel")"
  mknod "$scratch/upper/$rel" c 0 0 2>/dev/null && count=$((count + 1))
done < <(
  pkgs=$(hidden_packages)
  # shellcheck disable=SC2086
  [ -n "$pkgs" ] && dpkg -L $pkgs 2>/dev/null
  [ "${UFLOW_HIDE_CUDA_LIBS:-0}" = 1 ] && cuda_library_files
)
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$scratch/upper,workdir=$scratch/work" /usr
echo "without-system-deps: $count system files hidden ($(hidden_packages | tr '\n' ' ')$(
  [ "${UFLOW_HIDE_CUDA_LIBS:-0}" = 1 ] && echo "+ CUDA toolkit cuDNN/cuBLAS"))"
export UFLOW_SYSTEM_DEPS_HIDDEN=1
exec "$@"
