#!/usr/bin/env bash
# Packaging test: `cpack -G DEB` of the build tree makes libretort-dev; it is
# unpacked with `dpkg-deb -x` into a scratch root (never installed into the
# system), and tests/packaging/consumer is built against that root twice, with
# find_package (CMAKE_PREFIX_PATH) and with pkg-config (PKG_CONFIG_PATH), and
# run; with the web layer, tests/packaging/web_consumer too (COMPONENTS web,
# retort-web.pc). That the root is not /usr checks the package is relocatable:
# nothing installed may name the prefix it was built for.
# Arguments: <build dir> <source dir> <c++ compiler> <sanitize ON|OFF> <with postgresql ON|OFF> <with web ON|OFF>
set -euo pipefail
build=$1 source=$(realpath "$2") compiler=$3 sanitize=${4:-OFF} with_pg=${5:-ON} with_web=${6:-OFF}
flags=""
[ "$sanitize" = "ON" ] && flags="-fsanitize=address,undefined"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { printf 'packaging.deb: %s\n' "$*" >&2; exit 1; }
# A consumer that dies says so (a crash can mean the build tree's libraries are
# older than the installed headers: rebuild them first).
fail_run() { local rc=$?; fail "$(basename "$1") exited with status $rc"; }

# The package, made in a scratch directory (cpack's own work tree included).
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
fi
debs=("$work"/pkg/libretort-dev_*.deb)
[ -f "${debs[0]}" ] || { cat "$work/cpack.log" >&2; fail "cpack made no libretort-dev_*.deb"; }
deb=${debs[0]}

# The control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = "libretort-dev" ] || fail "Package: $(field Package)"
version=$(sed -n 's/^project(retort VERSION \([0-9.]*\).*/\1/p' "$source/CMakeLists.txt")
[ "$(field Version)" = "$version-1" ] || fail "Version: $(field Version) (expected $version-1)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
[[ "$depends" == *libsqlite3-dev* ]] || fail "Depends lacks libsqlite3-dev: $depends"
if [ "$with_pg" = "ON" ]; then
  [[ "$depends" == *libpq-dev* ]] || fail "Depends lacks libpq-dev: $depends"
else
  [[ "$depends" != *libpq-dev* ]] || fail "Depends names libpq-dev in a build without PostgreSQL: $depends"
fi
# The web layer's -dev packages are Recommends (cmake/packaging.cmake says why), never Depends.
recommends=$(field Recommends)
[[ "$depends" != *httplib* ]] || fail "Depends names cpp-httplib: $depends"
if [ "$with_web" = "ON" ]; then
  for p in libcpp-httplib-dev nlohmann-json3-dev; do
    [[ "$recommends" == *"$p"* ]] || fail "Recommends lacks $p: $recommends"
  done
else
  [ -z "$recommends" ] || fail "Recommends in a build without the web layer: $recommends"
fi

# The files, under /usr: headers, the static libraries, the CMake package, retort.pc.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/contents"
libs="retort retort_orm retort_sqlite retort_engine retort_sql retort_util"
[ "$with_pg" = "ON" ] && libs="$libs retort_postgresql"
want=(/usr/include/retort/retort.hpp /usr/include/retort/orm/session.hpp
      /usr/lib/cmake/retort/retortConfig.cmake /usr/lib/cmake/retort/retortConfigVersion.cmake
      /usr/lib/cmake/retort/retortTargets.cmake /usr/lib/pkgconfig/retort.pc)
if [ "$with_web" = "ON" ]; then
  libs="$libs retort_web"
  want+=(/usr/include/retort/web/web.hpp /usr/lib/cmake/retort/retortWebTargets.cmake /usr/lib/pkgconfig/retort-web.pc)
elif grep -q -e libretort_web -e retort-web.pc -e retortWebTargets "$work/contents"; then
  fail "the package has the web library in a build without the web layer"
fi
for lib in $libs; do want+=("/usr/lib/lib$lib.a"); done
for f in "${want[@]}"; do
  grep -qx -- "$f" "$work/contents" || { cat "$work/contents" >&2; fail "the package lacks $f"; }
done

root=$work/root
dpkg-deb -x "$deb" "$root"
# Relocatable: no installed text file names the build's or the package's prefix.
if grep -rIl -e "$build" -e "$source" -e "/usr/local" "$root/usr/lib" >"$work/absolute"; then
  cat "$work/absolute" >&2
  fail "installed files name an absolute build or install path"
fi

# Same compiler and flags as the calling build; ccache is told the scratch
# directory is a base directory, so its paths do not defeat the cache.
export CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# 1. find_package(retort) with CMAKE_PREFIX_PATH=<root>/usr.
if ! cmake -S "$source/tests/packaging/consumer" -B "$work/cmake-consumer" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" \
  "${launcher[@]}" -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$work/configure.log" 2>&1; then
  cat "$work/configure.log" >&2
  fail "the find_package consumer does not configure"
fi
found=$(sed -n 's/^retort_DIR:PATH=//p' "$work/cmake-consumer/CMakeCache.txt")
[ "$found" = "$root/usr/lib/cmake/retort" ] || fail "find_package(retort) found $found, not the unpacked package"
if ! cmake --build "$work/cmake-consumer" >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  fail "the find_package consumer does not build"
fi
out=$("$work/cmake-consumer/consumer") || fail_run "$work/cmake-consumer/consumer"
[ "$out" = "Ursula" ] || fail "the find_package consumer printed '$out'"

# 2. pkg-config, the .pc found through PKG_CONFIG_PATH; its prefix is relative
# to the .pc file, so the flags point into the root.
export PKG_CONFIG_PATH="$root/usr/lib/pkgconfig"
cflags=$(pkg-config --cflags retort)
[[ "$cflags" == "-I$root/usr/"* ]] || fail "pkg-config --cflags retort: $cflags (expected -I$root/usr/...)"
libs_flags=$(pkg-config --libs --static retort)
[[ "$libs_flags" == "-L$root/usr/"* ]] || fail "pkg-config --libs --static retort: $libs_flags (expected -L$root/usr/...)"
cxx=("$compiler")
command -v ccache >/dev/null && cxx=(ccache "$compiler")
# Compiled and linked in two steps, as a makefile does, so that ccache serves the compile.
pc_build() {  # <source> <output dir> <program> <pkg-config package>
  mkdir -p "$2"
  # shellcheck disable=SC2086,SC2046 # flags and pkg-config's output are lists of words
  (cd "$2" && "${cxx[@]}" -std=c++20 -O1 $flags $(pkg-config --cflags "$4") -c "$1" -o "$3.o" &&
    "$compiler" $flags "$3.o" -o "$3" $(pkg-config --libs --static "$4"))
}
if ! pc_build "$source/tests/packaging/consumer/main.cpp" "$work/pc-consumer" consumer retort >"$work/pc-build.log" 2>&1; then
  cat "$work/pc-build.log" >&2
  fail "the pkg-config consumer does not build"
fi
out=$("$work/pc-consumer/consumer") || fail_run "$work/pc-consumer/consumer"
[ "$out" = "Ursula" ] || fail "the pkg-config consumer printed '$out'"

# 3. The web layer, both ways: find_package(retort COMPONENTS web) and retort-web.pc.
web=$source/tests/packaging/web_consumer
web_out='200 {"id":1,"name":"Ursula"}'
if [ "$with_web" = "ON" ]; then
  if ! cmake -S "$web" -B "$work/cmake-web" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" "${launcher[@]}" \
    -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$work/web-configure.log" 2>&1 ||
     ! cmake --build "$work/cmake-web" >"$work/web-build.log" 2>&1; then
    cat "$work/web-configure.log" "$work/web-build.log" 2>/dev/null >&2
    fail "the find_package(retort COMPONENTS web) consumer does not build"
  fi
  out=$("$work/cmake-web/web_consumer") || fail_run "$work/cmake-web/web_consumer"
  [ "$out" = "$web_out" ] || fail "the find_package web consumer printed '$out'"
  if ! pc_build "$web/main.cpp" "$work/pc-web" web_consumer retort-web >"$work/pc-web-build.log" 2>&1; then
    cat "$work/pc-web-build.log" >&2
    fail "the pkg-config retort-web consumer does not build"
  fi
  out=$("$work/pc-web/web_consumer") || fail_run "$work/pc-web/web_consumer"
  [ "$out" = "$web_out" ] || fail "the pkg-config web consumer printed '$out'"
fi

web_note=""
[ "$with_web" = "ON" ] && web_note="; Recommends: $recommends; the web consumers work too"
echo "$(basename "$deb"): Depends: $depends; find_package and pkg-config consumers work from $root$web_note"
