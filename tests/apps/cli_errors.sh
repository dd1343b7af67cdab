#!/bin/sh
# What a user sees when uflow refuses its input: exit status 1 and exactly one error line on
# stderr, "uflow <command>: error: <file or option>: <problem>" (apps/main.cpp turns every
# exception into that line). The errors themselves are tested in the C++ tests of each class;
# this checks the path from them to the terminal.
#   cli_errors.sh <path to the uflow executable>
uflow=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# expect "<error line>" <uflow arguments...>
expect() {
  want=$1
  shift
  "$uflow" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  errors=$(grep -c ': error: ' "$tmp/err")
  got=$(grep ': error: ' "$tmp/err")
  if [ "$rc" -ne 1 ] || [ "$errors" -ne 1 ] || [ "$got" != "$want" ]; then
    echo "FAIL: uflow $*"
    echo "  exit $rc (want 1); stderr:"
    sed 's/^/    /' "$tmp/err"
    echo "  want: $want"
    failures=$((failures + 1))
  fi
}

expect "uflow train: error: option --batch: 0 is out of range [1, 4096]" \
  train "$tmp/data" --batch 0
expect "uflow train: error: option --lr: 'nan' is not a finite number in (0, 10]" \
  train "$tmp/data" --lr nan
expect "uflow predict: error: option --size: 100000 is out of range [8, 4096]" \
  predict "$tmp/c.h5" "$tmp/imgs" --size 100000
printf 'not an HDF5 file' >"$tmp/z.h5"
expect "uflow nfa: error: $tmp/z.h5: not an HDF5 file" nfa "$tmp/z.h5"
expect "uflow nfa: error: $tmp/none.h5: file not found" nfa "$tmp/none.h5"

if [ "$failures" -ne 0 ]; then
  echo "$failures case(s) failed"
  exit 1
fi
echo "all cases passed"
