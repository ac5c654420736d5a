#!/usr/bin/env bash
# Packaging test: RETORT_WITH_POSTGRESQL=ON where libpq cannot be found (CMake
# is told not to find it) must stop at configure time and say why, so that
# scripts/test, which asks for it, can never lose PostgreSQL silently.
# Arguments: <source dir> <c++ compiler>
set -euo pipefail
source=$1 compiler=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if cmake -S "$source" -B "$work/build" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" -DRETORT_WITH_POSTGRESQL=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_PostgreSQL=ON -DRETORT_BUILD_TESTS=OFF -DRETORT_BUILD_EXAMPLES=OFF \
  -DRETORT_BUILD_BENCH=OFF >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  echo "configure succeeded with RETORT_WITH_POSTGRESQL=ON and no libpq"
  exit 1
fi
grep -q "RETORT_WITH_POSTGRESQL is ON but libpq was not found" "$work/configure.log" ||
  { cat "$work/configure.log"; echo "configure failed for another reason"; exit 1; }
echo "RETORT_WITH_POSTGRESQL=ON without libpq fails at configure time"
