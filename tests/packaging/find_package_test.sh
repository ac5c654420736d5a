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
# The layering, as installed: retort::orm links only retort::engine; the
# facade retort::retort brings in the backends.
targets=$(find "$work/prefix" -name retortTargets.cmake)
links() {  # the exported INTERFACE_LINK_LIBRARIES of $1, without the empty $<LINK_ONLY:> of build-only deps
  awk -v t="set_target_properties($1 " 'index($0, t) == 1 {on = 1}
    on && /INTERFACE_LINK_LIBRARIES/ {sub(/.*INTERFACE_LINK_LIBRARIES "/, ""); sub(/"$/, ""); print; exit}' "$targets" |
    sed 's/;\\\$<LINK_ONLY:>//g'
}
[ "$(links retort::orm)" = "retort::engine" ] || { echo "retort::orm links: $(links retort::orm)"; exit 1; }
[[ "$(links retort::retort)" == "retort::orm;retort::sqlite"* ]] ||
  { echo "retort::retort links: $(links retort::retort)"; exit 1; }
cmake -S "$source/tests/packaging/consumer" -B "$work/consumer" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/consumer" >/dev/null
out=$("$work/consumer/consumer")
[ "$out" = "Ursula" ] || { echo "consumer printed '$out'"; exit 1; }
echo "find_package(retort) consumer works"
