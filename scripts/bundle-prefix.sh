#!/usr/bin/env bash
# Unpacks the bundle made by scripts/device-bundle.sh into a private prefix (never into /) and
# makes that prefix usable where it lies:
#   - every Debian package is extracted with `dpkg -x` (files only, no maintainer scripts);
#   - pkg-config files and absolute symlinks are pointed into the prefix;
#   - <prefix>/bin/pkg-config is the bundled pkgconf, seeing only the prefix's .pc files;
#   - <prefix>/uflow-deps.cmake is the CMake initial cache (cmake -C) that configures uflow
#     against the prefix alone;
# then checks with ldd that every shared library in it loads on this machine from the prefix
# (nothing missing, no glibc too old), and fails naming what does not.
#
#   scripts/bundle-prefix.sh [BUNDLE_DIR [PREFIX]]     defaults: .device-bundle /tmp/uflow-prefix
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=${1:-.device-bundle}
prefix=${2:-/tmp/uflow-prefix}
arch=x86_64-linux-gnu
if ! ls "$bundle"/debs/*.deb >/dev/null 2>&1; then
  echo "bundle-prefix: no packages in $bundle/debs; make the bundle with scripts/device-bundle.sh" >&2
  exit 1
fi
prefix=$(realpath -m "$prefix")
case "$prefix" in / | /usr | /usr/* | /lib* | /bin* | /etc* | /opt | /var*)
  echo "bundle-prefix: $prefix is not a private prefix" >&2
  exit 1
  ;;
esac

if [ -f "$bundle/MANIFEST" ]; then
  need=$(awk '$1 == "glibc_min" {print $2}' "$bundle/MANIFEST")
  have=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
  if [ -n "$need" ] && [ -n "$have" ] &&
    [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
    echo "bundle-prefix: the bundle needs glibc >= $need, this machine has $have" >&2
    exit 1
  fi
fi

rm -rf "$prefix"
mkdir -p "$prefix/bin"
for deb in "$bundle"/debs/*.deb; do
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$deb" "$prefix"
  else
    member=$(ar t "$deb" | grep '^data\.tar')
    ar p "$deb" "$member" | tar -x --auto-compress -f - -C "$prefix" 2>/dev/null ||
      ar p "$deb" "$member" | tar -xJ -C "$prefix"
  fi
done

# Absolute symlinks would leave the prefix.
find "$prefix" -type l | while read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) ln -sfn "$prefix$target" "$link" ;; esac
done
# pkg-config files name /usr/...: the prefix's copy instead.
find "$prefix" -name '*.pc' -type f -exec sed -i -E \
  -e "s#^([A-Za-z_]+)=/usr([/ ]|\$)#\\1=$prefix/usr\\2#" -e "s#(-[IL])/usr/#\\1$prefix/usr/#g" {} +

libdirs="$prefix/usr/lib/$arch:$prefix/lib/$arch:$prefix/usr/lib/$arch/openblas-openmp"

cat >"$prefix/bin/pkg-config" <<EOF
#!/bin/sh
# pkg-config (the bundled pkgconf) that sees only $prefix (made by scripts/bundle-prefix.sh).
path=
IFS=:
for d in \${PKG_CONFIG_PATH:-}; do
  case "\$d" in "$prefix"/*) path="\${path:+\$path:}\$d" ;; esac
done
unset IFS PKG_CONFIG_SYSROOT_DIR
PKG_CONFIG_PATH=\$path
PKG_CONFIG_LIBDIR="$prefix/usr/lib/$arch/pkgconfig:$prefix/usr/share/pkgconfig"
export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
LD_LIBRARY_PATH="$libdirs" exec "$prefix/usr/bin/pkgconf" "\$@"
EOF
chmod +x "$prefix/bin/pkg-config"

cat >"$prefix/uflow-deps.cmake" <<EOF
# CMake initial cache (cmake -C) made by scripts/bundle-prefix.sh: uflow's dependencies from
# the bundle unpacked in $prefix, and from nowhere else.
set(PKG_CONFIG_EXECUTABLE "$prefix/bin/pkg-config" CACHE FILEPATH "")
set(UFLOW_OPENBLAS_OPENMP_DIR "$prefix/usr/lib/$arch/openblas-openmp" CACHE PATH "")
set(HDF5_ROOT "$prefix/usr/lib/$arch/hdf5/serial" CACHE PATH "")
set(HDF5_NO_FIND_PACKAGE_CONFIG_FILE ON CACHE BOOL "")
set(HDF5_C_INCLUDE_DIR "$prefix/usr/include/hdf5/serial" CACHE PATH "")
set(HDF5_hdf5_LIBRARY_RELEASE "$prefix/usr/lib/$arch/libhdf5_serial.so" CACHE FILEPATH "")
set(STB_INCLUDE_DIR "$prefix/usr/include/stb" CACHE PATH "")
set(DOCTEST_INCLUDE_DIR "$prefix/usr/include" CACHE PATH "")
set(CSV_INCLUDE_DIR "$prefix/usr/include" CACHE PATH "")
set(CSV_LIBRARY "$prefix/usr/lib/$arch/libcsv.a" CACHE FILEPATH "")
set(nlohmann_json_DIR "$prefix/usr/share/cmake/nlohmann_json" CACHE PATH "")
# The executables find the bundle's libraries through their RPATH. An old-style DT_RPATH
# (not RUNPATH) also serves the libraries' own dependencies (libhdf5 -> libsz, libcurl, ...),
# so no LD_LIBRARY_PATH is needed, and none leaks into other programs (cmake, python3).
set(CMAKE_BUILD_RPATH "$prefix/usr/lib/$arch;$prefix/lib/$arch" CACHE STRING "")
set(CMAKE_EXE_LINKER_FLAGS "-Wl,--disable-new-dtags" CACHE STRING "")
EOF

for f in "$prefix/usr/include/hdf5/serial/hdf5.h" "$prefix/usr/lib/$arch/libhdf5_serial.so" \
  "$prefix/usr/include/stb/stb_image.h" "$prefix/usr/include/doctest/doctest.h" \
  "$prefix/usr/include/libpng16/png.h" "$prefix/usr/include/jpeglib.h" \
  "$prefix/usr/lib/$arch/openblas-openmp/pkgconfig/openblas.pc" "$prefix/usr/bin/pkgconf" \
  "$prefix/usr/include/nlohmann/json.hpp" "$prefix/usr/lib/$arch/pkgconfig/libzip.pc"; do
  [ -e "$f" ] || {
    echo "bundle-prefix: the bundle lacks $f" >&2
    exit 1
  }
done

# Every shared library and program in the prefix must load, each dependency from the prefix
# or from the base libraries that device-bundle.sh leaves to the machine (MANIFEST).
base=" linux-vdso.so.1 $(awk '$1 == "base_libraries" {$1 = ""; print}' "$bundle/MANIFEST" 2>/dev/null) "
bad=0
checked=0
while read -r elf; do
  checked=$((checked + 1))
  out=$(LD_LIBRARY_PATH="$libdirs" ldd "$elf" 2>&1) || true
  if grep -q 'not found' <<<"$out"; then
    echo "bundle-prefix: ${elf#"$prefix"/}: $(grep 'not found' <<<"$out" | head -3 | tr -s ' \t' ' ')" >&2
    bad=1
  fi
  while read -r name _ path _; do
    case "$base" in *" $name "*) continue ;; esac
    case "$path" in "$prefix"/*) ;; *)
      echo "bundle-prefix: ${elf#"$prefix"/}: $name loads from $path, outside the prefix" >&2
      bad=1
      ;;
    esac
  done < <(grep '=>' <<<"$out")
done < <(find "$prefix" -type f \( -name '*.so*' -o -path '*/bin/*' \) -exec sh -c \
  'for f; do head -c4 "$f" | grep -q ELF && echo "$f"; done' _ {} +)
if [ "$bad" != 0 ]; then
  echo "bundle-prefix: the bundle does not load on this machine (see above)" >&2
  exit 1
fi
echo "bundle-prefix: $(ls "$bundle"/debs/*.deb | wc -l) packages unpacked in $prefix;" \
  "$checked ELF files load from it"
