#!/usr/bin/env bash
# Formats every C++/CUDA source the repository tracks with the root .clang-format.
#   scripts/format.sh           rewrite files in place
#   scripts/format.sh --check   change nothing; list unformatted files and exit 1 if any
# Formatting differs between clang-format releases; the project follows Debian 12's
# clang-format 14 (installed by scripts/install-deps.sh). Set CLANG_FORMAT to use another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "format.sh: $clang_format not found (install it with scripts/install-deps.sh)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h' '*.cu' '*.cuh' 2>/dev/null ||
                     find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.h' -o -name '*.cu' -o -name '*.cuh' \) -print)
# Files deleted in the working tree but still in the index are skipped.
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
files=("${existing[@]}")
if [ "${1:-}" = "--check" ]; then
  # One clang-format process for all files; its warnings name each unformatted file.
  if ! report=$("$clang_format" --dry-run --Werror "${files[@]}" 2>&1); then
    mapfile -t bad < <(printf '%s\n' "$report" | sed -n 's/^\([^: ]*\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u)
    printf 'format.sh: not formatted: %s\n' "${bad[@]}" >&2
    echo "format.sh: ${#bad[@]} of ${#files[@]} files need scripts/format.sh" >&2
    exit 1
  fi
  echo "format.sh: ${#files[@]} files formatted ($("$clang_format" --version | head -1))"
  exit 0
fi
printf '%s\n' "${files[@]}" | xargs -r "$clang_format" -i
echo "format.sh: formatted ${#files[@]} files"
