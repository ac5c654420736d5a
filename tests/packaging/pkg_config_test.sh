#!/usr/bin/env bash
# Packaging test: install the build tree into a temporary prefix, then compile
# tests/packaging/consumer/main.cpp by hand with
# `pkg-config --cflags --libs --static retort` and run it; with the web layer,
# tests/packaging/web_consumer/main.cpp too, with `... retort-web`.
# Arguments: <build dir> <source dir> <c++ compiler> <sanitize ON|OFF> <with postgresql ON|OFF> <with web ON|OFF>
set -euo pipefail
build=$1 source=$(realpath "$2") compiler=$3 sanitize=${4:-OFF} with_pg=${5:-ON} with_web=${6:-OFF}
flags=()
[ "$sanitize" = "ON" ] && flags=(-fsanitize=address,undefined)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A consumer that dies says so (a crash can mean the build tree's libraries are
# older than the installed headers: rebuild them first).
fail_run() { local rc=$?; echo "$(basename "$1") exited with status $rc"; exit 1; }
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(find "$work/prefix" -name retort.pc)
[ -n "$pc" ] || { echo "no retort.pc installed"; exit 1; }
[ "$(dirname "$pc")" = "$work/prefix/lib/pkgconfig" ] || [ "$(dirname "$pc")" = "$work/prefix/lib64/pkgconfig" ] ||
  { echo "retort.pc installed at $pc"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
libs=$(pkg-config --libs --static retort)
# The static libraries in link order: facade, orm, backends, engine, sql, util.
want="-lretort -lretort_orm -lretort_sqlite"
[ "$with_pg" = "ON" ] && want="$want -lretort_postgresql"
want="$want -lretort_engine -lretort_sql -lretort_util"
[[ "$libs" == *"$want"* ]] || { echo "pkg-config --libs --static retort: $libs (expected $want)"; exit 1; }
for lib in -lsqlite3 -pthread; do
  [[ " $libs " == *" $lib "* ]] || { echo "pkg-config --libs --static retort lacks $lib: $libs"; exit 1; }
done
if [ "$with_pg" = "ON" ]; then
  [[ " $libs " == *" -lpq "* ]] || { echo "pkg-config --libs --static retort lacks -lpq: $libs"; exit 1; }
fi
cxx=("$compiler")
command -v ccache >/dev/null && cxx=(ccache "$compiler")
# Compiled and linked in two steps, as a makefile does, so that ccache serves
# the compile; run in the scratch directory, told to ccache as a base
# directory, so that the -I into it does not defeat the cache.
export CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=1
pc_build() {  # <source> <program> <pkg-config package>
  # shellcheck disable=SC2046 # pkg-config's output is a list of words
  (cd "$work" && "${cxx[@]}" -std=c++20 -O1 "${flags[@]}" $(pkg-config --cflags "$3") -c "$1" -o "$2.o" &&
    "$compiler" "${flags[@]}" "$2.o" -o "$2" $(pkg-config --libs --static "$3"))
}
pc_build "$source/tests/packaging/consumer/main.cpp" "$work/consumer" retort
out=$("$work/consumer") || fail_run "$work/consumer"
[ "$out" = "Ursula" ] || { echo "consumer printed '$out'"; exit 1; }
echo "pkg-config consumer works: $libs"

web_pc="$(dirname "$pc")/retort-web.pc"
if [ "$with_web" != "ON" ]; then
  [ ! -e "$web_pc" ] || { echo "retort-web.pc installed without the web layer"; exit 1; }
  exit 0
fi
[ -f "$web_pc" ] || { echo "no retort-web.pc installed beside retort.pc"; exit 1; }
version=$(pkg-config --modversion retort)
[ "$(pkg-config --modversion retort-web)" = "$version" ] ||
  { echo "retort-web is version $(pkg-config --modversion retort-web), retort $version"; exit 1; }
web_libs=$(pkg-config --libs --static retort-web)
# retort_web ahead of retort's libraries, cpp-httplib (Requires.private) after them.
[[ "$web_libs" == *"-lretort_web $want"*" -lcpp-httplib "* ]] ||
  { echo "pkg-config --libs --static retort-web: $web_libs (expected -lretort_web $want ... -lcpp-httplib)"; exit 1; }
pc_build "$source/tests/packaging/web_consumer/main.cpp" "$work/web_consumer" retort-web
out=$("$work/web_consumer") || fail_run "$work/web_consumer"
[ "$out" = '200 {"id":1,"name":"Ursula"}' ] || { echo "web_consumer printed '$out'"; exit 1; }
echo "pkg-config retort-web consumer works: $web_libs"
