#!/usr/bin/env bash
# Packaging test: install the build tree into a temporary prefix, then
# configure, build and run tests/packaging/consumer against it with
# find_package(retort), as on a machine without the web layer's libraries:
# CMake cannot find nlohmann_json and pkg-config sees only sqlite3. With the
# web layer, tests/packaging/web_consumer too, with find_package(retort
# COMPONENTS web), and that component must fail, saying why, without them.
# Arguments: <build dir> <source dir> <c++ compiler> <sanitize ON|OFF> <with web ON|OFF>
set -euo pipefail
build=$1 source=$2 compiler=$3 sanitize=${4:-OFF} with_web=${5:-OFF}
flags=""
[ "$sanitize" = "ON" ] && flags="-fsanitize=address,undefined"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { printf 'packaging.find_package: %s\n' "$*" >&2; exit 1; }
# A consumer that dies says so (a crash can mean the build tree's libraries are
# older than the installed headers: rebuild them first).
fail_run() { local rc=$?; fail "$(basename "$1") exited with status $rc"; }
cmake --install "$build" --prefix "$work/prefix" >/dev/null
# The layering, as installed: retort::orm links only retort::engine; the
# facade retort::retort brings in the backends.
targets=$(find "$work/prefix" -name retortTargets.cmake)
links() {  # the exported INTERFACE_LINK_LIBRARIES of $1 in file $2, without the empty $<LINK_ONLY:> of build-only deps
  awk -v t="set_target_properties($1 " 'index($0, t) == 1 {on = 1}
    on && /INTERFACE_LINK_LIBRARIES/ {sub(/.*INTERFACE_LINK_LIBRARIES "/, ""); sub(/"$/, ""); print; exit}' "$2" |
    sed 's/;\\\$<LINK_ONLY:>//g'
}
[ "$(links retort::orm "$targets")" = "retort::engine" ] || fail "retort::orm links: $(links retort::orm "$targets")"
[[ "$(links retort::retort "$targets")" == "retort::orm;retort::sqlite"* ]] ||
  fail "retort::retort links: $(links retort::retort "$targets")"
# Migrations: retort::migrate on the facade; its command line, when built, with the tool.
[ "$(links retort::migrate "$targets")" = "retort::retort" ] || fail "retort::migrate links: $(links retort::migrate "$targets")"
if grep -q "retort::migrate_cli" "$targets"; then
  [ -x "$work/prefix/bin/retort-migrate" ] || fail "retort::migrate_cli is installed without bin/retort-migrate"
  "$work/prefix/bin/retort-migrate" --help | grep -q "upgrade" || fail "retort-migrate --help lists no upgrade"
fi
# The web layer is in its own export set, read only for COMPONENTS web.
if grep -q -e "retort::web" -e nlohmann -e HTTPLIB "$targets"; then fail "retortTargets.cmake names the web layer"; fi

# ccache, told the scratch directory is a base directory, serves the consumers.
export CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
configure() {  # <source> <build> [cmake args...]
  local src=$1 bin=$2
  shift 2
  cmake -S "$src" -B "$bin" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" "${launcher[@]}" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" "$@"
}
# Without the web libraries: pkg-config's search path holds only sqlite3.pc.
mkdir "$work/pc-sqlite-only"
ln -s "$(pkg-config --variable=pcfiledir sqlite3)/sqlite3.pc" "$work/pc-sqlite-only/"
without_web_libs() { (export PKG_CONFIG_LIBDIR="$work/pc-sqlite-only" PKG_CONFIG_PATH=; "$@"); }

if ! without_web_libs configure "$source/tests/packaging/consumer" "$work/consumer" -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON \
  >"$work/configure.log" 2>&1; then
  cat "$work/configure.log" >&2
  fail "find_package(retort) does not configure without the web libraries"
fi
cmake --build "$work/consumer" >/dev/null
out=$("$work/consumer/consumer") || fail_run "$work/consumer/consumer"
[ "$out" = "Ursula" ] || fail "consumer printed '$out'"

web=$source/tests/packaging/web_consumer
if [ "$with_web" = "ON" ]; then
  [[ "$(links retort::web "$work/prefix/lib/cmake/retort/retortWebTargets.cmake")" == \
     'retort::retort;nlohmann_json::nlohmann_json;\$<LINK_ONLY:PkgConfig::HTTPLIB>' ]] ||
    fail "retort::web links: $(links retort::web "$work/prefix/lib/cmake/retort/retortWebTargets.cmake")"
  # Asked for without its libraries, the component fails and names them.
  if without_web_libs configure "$web" "$work/web-missing" -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON \
    >"$work/web-missing.log" 2>&1; then
    fail "find_package(retort COMPONENTS web) configured without nlohmann_json and cpp-httplib"
  fi
  tr -s ' \n' ' ' <"$work/web-missing.log" | grep -q "retort::web needs nlohmann_json 3 (nlohmann-json3-dev) and cpp-httplib.pc (libcpp-httplib-dev)" ||
    { cat "$work/web-missing.log" >&2; fail "find_package(retort COMPONENTS web) failed for another reason"; }
  if ! configure "$web" "$work/web" >"$work/web-configure.log" 2>&1 ||
     ! cmake --build "$work/web" >"$work/web-build.log" 2>&1; then
    cat "$work/web-configure.log" "$work/web-build.log" 2>/dev/null >&2
    fail "the find_package(retort COMPONENTS web) consumer does not build"
  fi
  out=$("$work/web/web_consumer") || fail_run "$work/web/web_consumer"
  [ "$out" = '200 {"id":1,"name":"Ursula"}' ] || fail "web_consumer printed '$out'"
  echo "find_package(retort) consumer works without the web libraries; find_package(retort COMPONENTS web) consumer works"
else
  [ ! -e "$work/prefix/lib/cmake/retort/retortWebTargets.cmake" ] || fail "retortWebTargets.cmake installed without the web layer"
  if configure "$web" "$work/web" >"$work/web-configure.log" 2>&1; then
    fail "find_package(retort COMPONENTS web) configured in a build without the web layer"
  fi
  tr -s ' \n' ' ' <"$work/web-configure.log" | grep -q "built without the web layer (RETORT_WITH_WEB=OFF)" ||
    { cat "$work/web-configure.log" >&2; fail "find_package(retort COMPONENTS web) failed for another reason"; }
  echo "find_package(retort) consumer works; COMPONENTS web fails in a build without it"
fi
