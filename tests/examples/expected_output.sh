#!/usr/bin/env bash
# A program's whole output against a file: the program must exit 0 and print
# exactly the expected text (the tutorial's chapters, examples/tutorial).
# Arguments: <program> <expected output file> [program arguments...]
set -euo pipefail
program=$1 expected=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
timeout 60 "$program" "$@" >"$work/out" 2>"$work/err" || status=$?
if [ "$status" -ne 0 ]; then
  printf '%s exited with %d\n--- stdout:\n' "$program" "$status" >&2
  cat "$work/out" >&2
  printf -- '--- stderr:\n' >&2
  cat "$work/err" >&2
  exit 1
fi
if ! diff -u --label expected --label "$(basename "$program")" "$expected" "$work/out" >"$work/diff"; then
  printf '%s printed other than %s:\n' "$program" "$expected" >&2
  cat "$work/diff" >&2
  exit 1
fi
# Quiet programs: a warning on stderr (an N+1 report, say) is a change worth seeing.
if [ -s "$work/err" ]; then
  printf '%s wrote to stderr:\n' "$program" >&2
  cat "$work/err" >&2
  exit 1
fi
