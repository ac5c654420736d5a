# Installs the Debian packages Retort needs, only those missing; quiet and
# idempotent. Sourced by scripts/run, scripts/test and scripts/bench.

retort_install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building and running the library and its examples needs.
retort_build_deps() {
  retort_install_packages cmake ninja-build g++ pkg-config ccache libsqlite3-dev libpq-dev
}

# What the test suite needs on top: GoogleTest, clang (sanitizer build) and
# clang-tidy (naming check), PostgreSQL.
retort_test_deps() {
  retort_build_deps
  retort_install_packages libgtest-dev clang clang-tidy libclang-rt-dev postgresql-15
}
