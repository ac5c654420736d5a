#!/usr/bin/env bash
# Packaging test: a parent project (tests/packaging/subdirectory) builds Retort
# with add_subdirectory on a machine as if it had neither libpq nor GoogleTest
# (CMake is told not to find them). Retort must configure with its tests,
# examples and benchmarks off, say it has only SQLite, build the library and
# the one program, and the program must work on SQLite and name the backends.
# Arguments: <source dir> <c++ compiler> <sanitize ON|OFF> <build type>
set -euo pipefail
source=$1 compiler=$2 sanitize=${3:-OFF} build_type=${4:-Release}
[ -n "$build_type" ] || build_type=Release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Same compiler, build type and sanitizer flags as the calling build, so ccache
# serves the library's objects (also with -g: the build directory is a fresh
# temporary one each time, so ccache must not hash it).
export CCACHE_NOHASHDIR=1
# RETORT_SANITIZE instruments Retort's own directory; the parent's program
# needs the sanitizer runtimes at link time.
link_flags=""
[ "$sanitize" = "ON" ] && link_flags="-fsanitize=address,undefined"
if ! cmake -S "$source/tests/packaging/subdirectory" -B "$work/build" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" \
  -DCMAKE_BUILD_TYPE="$build_type" -DRETORT_SOURCE_DIR="$source" -DRETORT_SANITIZE="$sanitize" \
  -DCMAKE_EXE_LINKER_FLAGS="$link_flags" \
  -DCMAKE_DISABLE_FIND_PACKAGE_PostgreSQL=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  exit 1
fi
grep -q -- "-- Retort backends: sqlite$" "$work/configure.log" ||
  { cat "$work/configure.log"; echo "configure did not say 'Retort backends: sqlite'"; exit 1; }
grep -q "RETORT_WITH_POSTGRESQL:BOOL=OFF" "$work/build/CMakeCache.txt" ||
  { echo "RETORT_WITH_POSTGRESQL is not OFF without libpq"; exit 1; }
if ! cmake --build "$work/build" --target parent_app -j2 >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  exit 1
fi
if grep -q "dialect/postgresql" "$work/build.log"; then
  echo "the PostgreSQL backend was compiled"; exit 1
fi
if ldd "$work/build/parent_app" | grep -q libpq; then
  echo "parent_app links libpq"; exit 1
fi
out=$("$work/build/parent_app")
expected="widget
backends: sqlite
postgresql: this build of Retort has no PostgreSQL backend (configured with RETORT_WITH_POSTGRESQL=OFF, or libpq was not found); backends available: sqlite"
[ "$out" = "$expected" ] || { printf 'parent_app printed:\n%s\nexpected:\n%s\n' "$out" "$expected"; exit 1; }
echo "add_subdirectory(retort) without libpq or GoogleTest works (SQLite only)"
