#!/usr/bin/env bash
# Gathers what a GPU machine without network lacks to build, test and bench uflow into one
# git-ignored folder, .device-bundle/ at the repository root, to travel with the source tree:
#   debs/    Debian 12 packages (apt-get download, the versions installed here): OpenBLAS (the
#            OpenMP build uflow links), the HDF5 C library and headers, doctest, stb, libpng
#            (with zlib's headers, which its pkg-config file requires), libjpeg-turbo, libcsv,
#            pkgconf, nlohmann-json and libzip (uflow import),
#            and every shared library these need at run time beyond what any x86-64 Linux with
#            a C++ compiler has (glibc, libstdc++, libgcc_s, libgomp): libgfortran, libsz/libaec,
#            zlib, libcurl and its TLS/Kerberos/LDAP stack, ...
#   wheels/  FrEIA 0.2 (pure Python; PyPI has only its sdist, so the wheel is built here).
#   MANIFEST the packages, their versions and the newest glibc symbol version they need.
# There, scripts/gpu-check.sh unpacks it with `dpkg -x` into a private prefix (never into /).
#
# The dependency closure is computed from the ELF files themselves: every DT_NEEDED name of
# every shared object and program in the unpacked packages must be provided inside the bundle
# or be one of the base libraries above, repeated until nothing is missing; the package that
# owns each missing library here (dpkg -S) is added. The result is then unpacked with
# scripts/bundle-prefix.sh, which checks with ldd that every library loads from the prefix.
#
# Prints the bundle's size and the size of what travels with it (tracked and untracked
# not-ignored files); fails if the bundle is not under 60 MiB or the whole exceeds 64 MiB.
#
#   scripts/device-bundle.sh
#   scripts/device-bundle.sh --cuda-wheels DIR   # also: nvidia-cudnn-cu13 and nvidia-cublas
#       wheels unpacked into DIR/site (NOT in the bundle: over 1 GB), for rehearsing the
#       cuDNN/cuBLAS-from-pip discovery here (README.md, "GPU check")
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--cuda-wheels" ]; then
  dir=${2:?"--cuda-wheels needs a folder (outside the repository)"}
  case "$(realpath -m "$dir")" in "$(pwd)"/*)
    echo "device-bundle: $dir is inside the repository; the CUDA wheels are over 1 GB" >&2
    exit 1
    ;;
  esac
  mkdir -p "$dir/site"
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 -d "$dir" nvidia-cudnn-cu13 nvidia-cublas
  for w in "$dir"/nvidia_cudnn_cu13-*.whl "$dir"/nvidia_cublas-*.whl; do
    unzip -qo "$w" -d "$dir/site"
  done
  echo "device-bundle: CUDA wheels unpacked in $dir/site (nvidia/cudnn, nvidia/cu13)"
  exit 0
fi

bundle=.device-bundle
max_bundle_mib=60
max_tree_mib=64

# What the build needs directly (headers, .so links, pkg-config files, the runtime libraries).
roots=(libopenblas-openmp-dev libopenblas0-openmp libhdf5-dev libhdf5-103-1 doctest-dev
  libstb-dev libstb0 libpng-dev libpng16-16 zlib1g-dev libjpeg62-turbo-dev libjpeg62-turbo
  libcsv-dev libcsv3 pkgconf-bin libpkgconf3 nlohmann-json3-dev libzip-dev libzip4)
# Libraries assumed on the target: glibc, and the GCC runtime that comes with its C++
# compiler. libgomp stays the compiler's own: uflow's OpenMP code is compiled against it, and
# an older copy from here could lack symbols that newer compilers emit.
base=(ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1
  libresolv.so.2 libutil.so.1 libanl.so.1 libstdc++.so.6 libgcc_s.so.1 libgomp.so.1)
base_sonames=" ${base[*]} "

for tool in apt-get dpkg-deb dpkg-query readelf ldconfig python3 unzip; do
  command -v "$tool" >/dev/null || {
    echo "device-bundle: needs $tool" >&2
    exit 1
  }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # apt-get download fetches as the _apt user where it can
new="$work/bundle"
mkdir -p "$new/debs" "$new/wheels" "$work/unpacked"

# The packages that own shared libraries installed here, one per soname given (dpkg -S, once
# for all: it reads the whole package database), trying each merged-/usr spelling of the path.
owners_of() {
  local soname path real paths=() pkg
  declare -A real_name
  for soname in "$@"; do
    path=$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ && !p {print $NF; p = 1}')
    [ -z "$path" ] && continue
    real=$(readlink -f "$path")
    real_name[$soname]=${real##*/}
    paths+=("$path" "$real" "${path/#\/usr\/lib\//\/lib\/}" "${path/#\/lib\//\/usr\/lib\/}"
      "${real/#\/usr\/lib\//\/lib\/}" "${real/#\/lib\//\/usr\/lib\/}")
  done
  dpkg -S "${paths[@]}" >"$work/owners" 2>/dev/null || true
  for soname in "$@"; do
    pkg=$(awk -v a="/$soname" -v b="/${real_name[$soname]:-$soname}" '
      function ends(x, y) { return length(x) >= length(y) && substr(x, length(x) - length(y) + 1) == y }
      (ends($2, a) || ends($2, b)) && !p { sub(/:.*/, "", $1); print $1; p = 1 }' "$work/owners")
    if [ -z "$pkg" ]; then
      echo "device-bundle: no installed package provides $soname (needed by the bundle);" \
        "install it here (scripts/install-deps.sh) and run again" >&2
      return 1
    fi
    echo "$pkg"
  done
}

# Shared objects and programs under a folder (static archives and headers are not loaded).
elf_files() {
  find "$1" -type f \( -name '*.so*' -o -path '*/bin/*' \) -exec sh -c \
    'for f; do head -c4 "$f" | grep -q ELF && echo "$f"; done' _ {} +
}

declare -A fetched
apt_download() {
  (cd "$new/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null)
}
# Downloads and unpacks packages not fetched yet: the versions installed (and tested) here,
# or the archive's candidate where the installed one is no longer downloadable.
fetch() {
  local pkg specs=() todo=() version debs
  for pkg in "$@"; do
    [ -n "${fetched[$pkg]:-}" ] && continue
    fetched[$pkg]=1
    todo+=("$pkg")
    version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
    specs+=("$pkg${version:+=$version}")
  done
  [ ${#todo[@]} -eq 0 ] && return 0
  if ! apt_download "${specs[@]}" 2>/dev/null; then
    for spec in "${specs[@]}"; do
      pkg=${spec%%=*}
      compgen -G "$new/debs/${pkg}_*.deb" >/dev/null && continue
      apt_download "$spec" 2>/dev/null || {
        echo "device-bundle: $spec is not downloadable; taking the archive's candidate" >&2
        apt_download "$pkg"
      }
    done
  fi
  for pkg in "${todo[@]}"; do
    debs=("$new/debs/${pkg}_"*.deb)
    dpkg-deb -x "${debs[0]}" "$work/unpacked"
    echo "  + $pkg $(dpkg-deb -f "${debs[0]}" Version)"
  done
}

echo "device-bundle: Debian packages"
fetch "${roots[@]}"

# Closure over DT_NEEDED.
while :; do
  provided=" $(find "$work/unpacked" \( -type f -o -type l \) -name '*.so*' -printf '%f ') "
  missing=()
  while read -r soname; do
    case "$base_sonames$provided" in *" $soname "*) continue ;; esac
    missing+=("$soname")
  done < <(elf_files "$work/unpacked" | xargs -r readelf -d 2>/dev/null |
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
  [ ${#missing[@]} -eq 0 ] && break
  owners=$(owners_of "${missing[@]}") || exit 1
  mapfile -t owners < <(sort -u <<<"$owners")
  fetch "${owners[@]}"
done

echo "device-bundle: FrEIA 0.2 wheel"
python3 -m pip wheel -q --no-deps -w "$new/wheels" FrEIA==0.2

# The newest glibc symbol version any bundled ELF file asks for: the target's glibc must be at
# least this (Debian 12 builds against glibc 2.36; Ubuntu 24.04 has 2.39).
glibc_needed=$(elf_files "$work/unpacked" | xargs -r readelf -V 2>/dev/null |
  grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
{
  echo "# uflow device bundle, made $(date -u '+%Y-%m-%d %H:%M UTC') on $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "glibc_min $glibc_needed"
  echo "base_libraries ${base[*]}"
  for deb in "$new"/debs/*.deb; do
    echo "deb $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(stat -c %s "$deb")"
  done
  for w in "$new"/wheels/*.whl; do echo "wheel $(basename "$w") $(stat -c %s "$w")"; done
} >"$new/MANIFEST"

rm -rf "$bundle"
mv "$new" "$bundle"

# Unpack it as the GPU machine will, and check that everything loads from the prefix.
bash scripts/bundle-prefix.sh "$bundle" "$work/prefix" >/dev/null

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
bundle_bytes=$(du -sb "$bundle" | cut -f1)
tree_bytes=$({
  git ls-files -z
  git ls-files -z -o --exclude-standard
} | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$((bundle_bytes + tree_bytes))
echo "device-bundle: $(grep -c '^deb ' "$bundle/MANIFEST") packages, $(ls "$bundle"/wheels | wc -l) wheel(s), needs glibc >= $glibc_needed"
echo "device-bundle: bundle $bundle: $(mib "$bundle_bytes") (limit ${max_bundle_mib} MiB)"
echo "device-bundle: source tree that travels (tracked + untracked, not ignored): $(mib "$tree_bytes")"
echo "device-bundle: together $(mib "$total") (limit ${max_tree_mib} MiB)"
if [ "$bundle_bytes" -ge $((max_bundle_mib * 1048576)) ] || [ "$total" -ge $((max_tree_mib * 1048576)) ]; then
  echo "device-bundle: TOO LARGE" >&2
  exit 1
fi
