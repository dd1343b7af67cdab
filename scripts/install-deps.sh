#!/usr/bin/env bash
# Installs the Debian packages uflow builds and tests with. Idempotent: installs only what is
# missing. Needs root (or sudo). The CUDA toolkit is optional and is not installed here.
#   install-deps.sh              the build: compilers, OpenBLAS, HDF5, libpng, libjpeg-turbo, stb
#   install-deps.sh --sanitize   also clang with its sanitizer and libFuzzer runtimes and LLVM's
#                                OpenMP (scripts/sanitize.sh, scripts/fuzz.sh only; the normal
#                                build uses gcc)
set -euo pipefail

# libpng-dev and libjpeg62-turbo-dev decode PNG and JPEG (Debian's security team maintains
# both); libstb-dev provides stb_image's BMP decoder and stb_image_write, compiled into uflow.
packages=(build-essential cmake pkg-config libopenblas-dev libopenblas-openmp-dev libhdf5-dev
          doctest-dev libstb-dev libpng-dev libjpeg62-turbo-dev libcsv-dev nlohmann-json3-dev
          libzip-dev clang-format)
if [ "${1:-}" = "--sanitize" ]; then
  packages+=(clang libclang-rt-dev libomp-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
