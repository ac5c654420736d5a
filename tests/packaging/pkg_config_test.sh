#!/usr/bin/env bash
# Packaging test: install the build tree into a temporary prefix, then compile
# tests/packaging/consumer/main.cpp by hand with
# `pkg-config --cflags --libs --static retort` and run it.
# Arguments: <build dir> <source dir> <c++ compiler> <sanitize ON|OFF> <with postgresql ON|OFF>
set -euo pipefail
build=$1 source=$2 compiler=$3 sanitize=${4:-OFF} with_pg=${5:-ON}
flags=()
[ "$sanitize" = "ON" ] && flags=(-fsanitize=address,undefined)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
# shellcheck disable=SC2046 # pkg-config's output is a list of words
"${cxx[@]}" -std=c++20 -O1 "${flags[@]}" "$source/tests/packaging/consumer/main.cpp" -o "$work/consumer" \
  $(pkg-config --cflags --libs --static retort)
out=$("$work/consumer")
[ "$out" = "Ursula" ] || { echo "consumer printed '$out'"; exit 1; }
echo "pkg-config consumer works: $libs"
