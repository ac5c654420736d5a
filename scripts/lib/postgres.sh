# A throwaway PostgreSQL 15 cluster for the test suite. Sourced by scripts/test.
#   retort_pg_start  - unless RETORT_TEST_POSTGRES_URL is set, initdb as the
#                      postgres user in a temporary directory, start on a free
#                      loopback port (socket in that directory), create the
#                      database, and export:
#                        RETORT_TEST_POSTGRES_URL   postgresql://postgres@127.0.0.1:PORT/retort_test
#                        RETORT_TEST_PG_CTL         pg_ctl command prefix (stop/start for fault tests)
#                        RETORT_TEST_PG_START_OPTS  the -o options the server was started with
#                        RETORT_TEST_PG_LOG         the server log
#   retort_pg_stop   - stop it and remove the directory; safe to call twice.

RETORT_PG_BIN=/usr/lib/postgresql/15/bin
RETORT_PG_DIR=""

retort_pg_as_postgres() {
  runuser -u postgres -- "$@"
}

retort_pg_free_port() {
  local port
  for port in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

retort_pg_start() {
  if [ -n "${RETORT_TEST_POSTGRES_URL:-}" ]; then
    return 0
  fi
  if [ ! -x "$RETORT_PG_BIN/initdb" ]; then
    echo "postgresql-15 is not installed" >&2
    return 1
  fi
  RETORT_PG_DIR=$(mktemp -d /tmp/retort-pg.XXXXXX)
  chown postgres:postgres "$RETORT_PG_DIR"
  chmod 700 "$RETORT_PG_DIR"
  local port
  port=$(retort_pg_free_port) || { echo "no free port for PostgreSQL" >&2; return 1; }
  if ! retort_pg_as_postgres "$RETORT_PG_BIN/initdb" -D "$RETORT_PG_DIR/data" -U postgres --auth=trust -E UTF8 \
      --no-locale >"$RETORT_PG_DIR/initdb.log" 2>&1; then
    cat "$RETORT_PG_DIR/initdb.log" >&2
    return 1
  fi
  local opts="-p $port -k $RETORT_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
  opts="$opts -c full_page_writes=off -c max_connections=200"
  export RETORT_TEST_PG_CTL="runuser -u postgres -- $RETORT_PG_BIN/pg_ctl -D $RETORT_PG_DIR/data"
  export RETORT_TEST_PG_START_OPTS="$opts"
  export RETORT_TEST_PG_LOG="$RETORT_PG_DIR/server.log"
  if ! $RETORT_TEST_PG_CTL -l "$RETORT_TEST_PG_LOG" -o "$opts" -w -t 60 start >/dev/null; then
    cat "$RETORT_TEST_PG_LOG" >&2
    return 1
  fi
  if ! retort_pg_as_postgres "$RETORT_PG_BIN/../bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q \
      -c "CREATE DATABASE retort_test" >/dev/null 2>&1; then
    # psql may live outside the versioned bin directory.
    retort_pg_as_postgres psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE retort_test" \
      >/dev/null || { cat "$RETORT_TEST_PG_LOG" >&2; return 1; }
  fi
  export RETORT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/retort_test"
}

retort_pg_stop() {
  if [ -n "$RETORT_PG_DIR" ] && [ -d "$RETORT_PG_DIR" ]; then
    $RETORT_TEST_PG_CTL -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$RETORT_PG_DIR"
  fi
  RETORT_PG_DIR=""
}
