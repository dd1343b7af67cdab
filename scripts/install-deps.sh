#!/usr/bin/env bash
# Installs the Debian packages uflow builds and tests with. Idempotent: installs only what is
# missing. Needs root (or sudo). The CUDA toolkit is optional and is not installed here.
set -euo pipefail

packages=(build-essential cmake pkg-config libopenblas-dev libopenblas-openmp-dev libhdf5-dev doctest-dev libstb-dev libcsv-dev nlohmann-json3-dev libzip-dev clang-format)
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
