# shellcheck shell=bash
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
  for pkg in "${missing[@]}"; do
    case $pkg in postgresql-[0-9]*) retort_no_main_cluster "$sudo" ;; esac
  done
  # Quiet (debconf and dpkg talk on stderr too), but a failure shows everything.
  # Never a prompt: existing configuration files (createcluster.conf below) are kept.
  local log
  log=$(mktemp)
  if ! { $sudo apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "could not install: ${missing[*]}" >&2
    return 1
  fi
  rm -f "$log"
}

# Installing Debian's postgresql-NN creates, and may start, a default NN/main
# cluster on port 5432, which nothing here uses or stops: the tests run their
# own (scripts/lib/postgres.sh). postgresql-common skips it when its
# createcluster.conf says so, so write that file before it is installed - but
# leave an existing one alone: it is the machine's. $1: "sudo" or "".
retort_no_main_cluster() {
  local conf=/etc/postgresql-common/createcluster.conf
  [ -e "$conf" ] && return 0
  $1 mkdir -p "${conf%/*}"
  echo "create_main_cluster = false" | $1 tee "$conf" >/dev/null
}

# What building and running the library and its examples (the blog: the web
# layer's HTTP server, JSON and templates; retort-migrate's command line) needs.
retort_build_deps() {
  retort_install_packages cmake ninja-build g++ pkg-config ccache libsqlite3-dev libpq-dev \
    libcpp-httplib-dev nlohmann-json3-dev libkainjow-mustache-dev libcli11-dev
}

# What the test suite needs on top: GoogleTest, clang (sanitizer build) and
# clang-tidy (naming check), PostgreSQL (the server scripts/lib/postgres.sh
# starts; this is the one place it is installed), fmt and spdlog (the
# header-only formatters and spdlog sink, whose tests scripts/test forces on).
retort_test_deps() {
  retort_build_deps
  retort_install_packages libgtest-dev clang clang-tidy libclang-rt-dev postgresql-15 libfmt-dev libspdlog-dev
  retort_bench_deps
  retort_browser_deps
}

# The seven-workload benchmark's third column (bench/workloads/sqlalchemy_side.py),
# whose quick mode runs in the suite: Debian's SQLAlchemy 1.4 and psycopg2.
retort_bench_deps() {
  retort_install_packages python3 python3-sqlalchemy python3-psycopg2
}

# The browser test (tests/browser): Debian's chromium, and node with npm for
# playwright-core (npm ci from tests/browser's lockfile, by tests/browser/run.sh).
# A node that came with npm (NodeSource's) is kept: Debian's npm conflicts with it.
retort_browser_deps() {
  retort_install_packages chromium
  if ! command -v node >/dev/null 2>&1; then
    retort_install_packages nodejs npm
  elif ! command -v npm >/dev/null 2>&1; then
    retort_install_packages npm
  fi
}
