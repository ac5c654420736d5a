#!/usr/bin/env bash
# Packaging test: install the build tree into a temporary prefix, then
# configure, build and run tests/packaging/consumer against it with find_package.
# Arguments: <build dir> <source dir> <c++ compiler> <sanitize ON|OFF>
set -euo pipefail
build=$1 source=$2 compiler=$3 sanitize=${4:-OFF}
flags=""
[ "$sanitize" = "ON" ] && flags="-fsanitize=address,undefined"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/tests/packaging/consumer" -B "$work/consumer" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/consumer" >/dev/null
out=$("$work/consumer/consumer")
[ "$out" = "Ursula" ] || { echo "consumer printed '$out'"; exit 1; }
echo "find_package(retort) consumer works"
