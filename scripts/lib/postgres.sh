# shellcheck shell=bash
# A throwaway PostgreSQL 15 cluster for the test suite. Sourced by scripts/test.
#   retort_pg_start  - unless RETORT_TEST_POSTGRES_URL is set, install
#                      postgresql-15 if missing, initdb as the postgres user in
#                      a temporary directory, start on a free loopback port
#                      (socket in that directory), create the database, and export:
#                        RETORT_TEST_POSTGRES_URL   postgresql://postgres@127.0.0.1:PORT/retort_test
#                        RETORT_TEST_PG_CTL         pg_ctl command prefix (stop/start for fault tests)
#                        RETORT_TEST_PG_START_OPTS  the -o options the server was started with
#                        RETORT_TEST_PG_LOG         the server log
#                      On failure it prints the logs and returns non-zero.
#   retort_pg_stop   - stop it and remove the directory; safe to call twice,
#                      and when nothing was started (the caller traps it on EXIT).

RETORT_PG_BIN=/usr/lib/postgresql/15/bin
RETORT_PG_DIR=""

# Runs a command as the postgres user when we are root (the server refuses to
# run as root); otherwise as ourselves, who then own the cluster.
retort_pg_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

retort_pg_install() {
  [ -x "$RETORT_PG_BIN/initdb" ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing postgresql-15" >&2
  $sudo apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >/dev/null &&
    [ -x "$RETORT_PG_BIN/initdb" ]
}

# First port from 55432 up on which nothing listens on the loopback.
retort_pg_free_port() {
  local port
  for port in $(seq 55432 55631); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

retort_pg_fail() {
  echo "retort_pg_start: $1" >&2
  local log
  for log in "$RETORT_PG_DIR/initdb.log" "$RETORT_PG_DIR/server.log" "$RETORT_PG_DIR/createdb.log"; do
    [ -s "$log" ] && { echo "--- $log" >&2; cat "$log" >&2; }
  done
  return 1
}

retort_pg_start() {
  [ -n "${RETORT_TEST_POSTGRES_URL:-}" ] && return 0
  retort_pg_install || { echo "retort_pg_start: postgresql-15 could not be installed" >&2; return 1; }
  RETORT_PG_DIR=$(mktemp -d /tmp/retort-pg.XXXXXX) || return 1
  chmod 700 "$RETORT_PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$RETORT_PG_DIR"
  retort_pg_as_postgres "$RETORT_PG_BIN/initdb" -D "$RETORT_PG_DIR/data" -U postgres --auth=trust -E UTF8 \
    --no-locale >"$RETORT_PG_DIR/initdb.log" 2>&1 || { retort_pg_fail "initdb failed"; return 1; }
  local ctl="$RETORT_PG_BIN/pg_ctl -D $RETORT_PG_DIR/data"
  [ "$(id -u)" -eq 0 ] && ctl="runuser -u postgres -- $ctl"
  local log="$RETORT_PG_DIR/server.log" port opts attempt
  export RETORT_TEST_PG_CTL="$ctl" RETORT_TEST_PG_LOG="$log"  # before start: retort_pg_stop needs it
  # Another cluster may take the port between the probe and the start: try a few.
  for attempt in 1 2 3; do
    port=$(retort_pg_free_port) || { retort_pg_fail "no free port for PostgreSQL"; return 1; }
    opts="-p $port -k $RETORT_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    opts="$opts -c full_page_writes=off -c max_connections=200"
    $ctl -l "$log" -o "$opts" -w -t 60 start >/dev/null 2>&1 && break
    [ "$attempt" -eq 3 ] && { retort_pg_fail "the server did not start"; return 1; }
  done
  export RETORT_TEST_PG_START_OPTS="$opts"
  retort_pg_as_postgres "$RETORT_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres retort_test \
    >"$RETORT_PG_DIR/createdb.log" 2>&1 || { retort_pg_fail "createdb retort_test failed"; return 1; }
  export RETORT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/retort_test"
}

retort_pg_stop() {
  if [ -n "${RETORT_PG_DIR:-}" ] && [ -d "$RETORT_PG_DIR" ]; then
    if [ -n "${RETORT_TEST_PG_CTL:-}" ]; then
      $RETORT_TEST_PG_CTL stop -m fast -w -t 30 >/dev/null 2>&1 ||
        $RETORT_TEST_PG_CTL stop -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    rm -rf "$RETORT_PG_DIR"
    unset RETORT_TEST_POSTGRES_URL RETORT_TEST_PG_CTL RETORT_TEST_PG_START_OPTS RETORT_TEST_PG_LOG
  fi
  RETORT_PG_DIR=""
}
