# shellcheck shell=bash
# A throwaway PostgreSQL 15 cluster for the test suite. Sourced by scripts/test,
# after retort_test_deps (scripts/lib/deps.sh) has installed postgresql-15.
#   retort_pg_start  - unless RETORT_TEST_POSTGRES_URL is set: remove what
#                      earlier, killed runs left behind, initdb in a temporary
#                      directory ${TMPDIR:-/tmp}/retort-pg.OWNERPID.XXXXXX, start
#                      on a free loopback port (socket in that directory),
#                      create the database, and export:
#                        RETORT_TEST_POSTGRES_URL   postgresql://postgres@127.0.0.1:PORT/retort_test
#                        RETORT_TEST_PG_CTL         pg_ctl command prefix (stop/start for fault tests)
#                        RETORT_TEST_PG_START_OPTS  the -o options the server was started with
#                        RETORT_TEST_PG_LOG         the server log
#                      On failure it prints the logs and returns non-zero.
#   retort_pg_stop   - stop it (killing it if it will not stop) and remove the
#                      directory; safe to call twice, and when nothing was
#                      started (the caller traps it on EXIT).

RETORT_PG_BIN=/usr/lib/postgresql/15/bin
RETORT_PG_DIR=""

# PostgreSQL refuses to run as root only. As root we run it as the postgres
# user (created by the Debian package), who owns the directory; as anyone else
# we run it as ourselves, which is what initdb and pg_ctl expect.
retort_pg_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The pid of the live postmaster of the cluster in directory $1, or nothing.
# postmaster.pid outlives a killed server, and its pid may belong to another
# program since: the process must be alive and have been started on $1/data.
retort_pg_postmaster() {
  local pid
  pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null) || return 0
  case $pid in '' | *[!0-9]*) return 0 ;; esac
  kill -0 "$pid" 2>/dev/null || return 0
  case $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) in
    *"$1/data"*) echo "$pid" ;;
  esac
}

# SIGKILLs the postmaster of directory $1, if it runs, and waits up to ~10 s
# for it to be gone (its children exit by themselves when it dies). Fails if
# it is still there.
retort_pg_kill() {
  local pid _
  pid=$(retort_pg_postmaster "$1")
  [ -n "$pid" ] || return 0
  echo "retort_pg: killing PostgreSQL $pid ($1)" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    [ -z "$(retort_pg_postmaster "$1")" ] && return 0
    sleep 0.1
  done
  return 1
}

# Removes the directories of earlier runs that were killed before their
# retort_pg_stop ran. Directories are named retort-pg.OWNERPID.XXXXXX after the
# shell that started them: one whose owner still runs is in use and left alone;
# otherwise its server, if still running, is killed and the directory removed.
# Older names (retort-pg.XXXXXX) have no owner to ask: those are removed only
# when their server is gone.
retort_pg_remove_stale() {
  local dir owner
  for dir in "${TMPDIR:-/tmp}"/retort-pg.*; do
    [ -d "$dir" ] || continue
    [ -w "$dir" ] || continue  # another user's
    owner=${dir##*/retort-pg.}
    owner=${owner%%.*}
    case $owner in '' | *[!0-9]*) owner="" ;; esac
    if [ -n "$owner" ]; then
      kill -0 "$owner" 2>/dev/null && continue
      retort_pg_kill "$dir" || continue
    else
      [ -z "$(retort_pg_postmaster "$dir")" ] || continue
    fi
    echo "retort_pg: removing stale $dir" >&2
    rm -rf "$dir" || true
  done
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
  [ -x "$RETORT_PG_BIN/initdb" ] ||
    { echo "retort_pg_start: $RETORT_PG_BIN/initdb missing (retort_test_deps installs postgresql-15)" >&2; return 1; }
  case ${TMPDIR:-/tmp} in
    *[[:space:]]*)  # the pg_ctl command and server options below are split on spaces
      echo "retort_pg_start: TMPDIR '$TMPDIR' contains a space; point it elsewhere" >&2
      return 1
      ;;
  esac
  retort_pg_remove_stale
  RETORT_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/retort-pg.$$.XXXXXX") || return 1
  chmod 700 "$RETORT_PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$RETORT_PG_DIR"
    runuser -u postgres -- test -w "$RETORT_PG_DIR" ||
      { echo "retort_pg_start: the postgres user cannot reach $RETORT_PG_DIR (TMPDIR?)" >&2; return 1; }
  fi
  retort_pg_as_postgres "$RETORT_PG_BIN/initdb" -D "$RETORT_PG_DIR/data" -U postgres --auth=trust -E UTF8 \
    --no-locale >"$RETORT_PG_DIR/initdb.log" 2>&1 || { retort_pg_fail "initdb failed"; return 1; }
  local ctl="$RETORT_PG_BIN/pg_ctl -D $RETORT_PG_DIR/data"
  [ "$(id -u)" -eq 0 ] && ctl="runuser -u postgres -- $ctl"
  local log="$RETORT_PG_DIR/server.log" port opts attempt seen
  export RETORT_TEST_PG_CTL="$ctl" RETORT_TEST_PG_LOG="$log"  # before start: retort_pg_stop needs it
  # Another server may take the port between the probe and the start: then,
  # and only then, try another port. pg_ctl -w returns as soon as the server
  # is ready or has exited, and waits 30 s at most.
  for attempt in 1 2 3; do
    port=$(retort_pg_free_port) || { retort_pg_fail "no free port for PostgreSQL"; return 1; }
    opts="-p $port -k $RETORT_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    opts="$opts -c full_page_writes=off -c max_connections=200"
    seen=0  # the log is appended to: look at this attempt's part only
    [ -f "$log" ] && seen=$(wc -c <"$log")
    $ctl -l "$log" -o "$opts" -w -t 30 start >/dev/null 2>&1 && break
    if [ "$attempt" -eq 3 ] ||
      ! grep -q -e "could not bind" -e "Address already in use" <<<"$(tail -c +"$((seen + 1))" "$log" 2>/dev/null)"; then
      retort_pg_fail "the server did not start"
      return 1
    fi
    echo "retort_pg_start: port $port was taken, trying another" >&2
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
        $RETORT_TEST_PG_CTL stop -m immediate -w -t 30 >/dev/null 2>&1 ||
        true
    fi
    # Never remove the directory from under a live server.
    if retort_pg_kill "$RETORT_PG_DIR"; then
      rm -rf "$RETORT_PG_DIR" || true
    else
      echo "retort_pg_stop: PostgreSQL in $RETORT_PG_DIR would not die; left it there" >&2
    fi
    unset RETORT_TEST_POSTGRES_URL RETORT_TEST_PG_CTL RETORT_TEST_PG_START_OPTS RETORT_TEST_PG_LOG
  fi
  RETORT_PG_DIR=""
}
