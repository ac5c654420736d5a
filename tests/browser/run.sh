#!/usr/bin/env bash
# The browser test's driver (ctest browser.blog): starts the blog binary on a free
# loopback port with a fresh SQLite database (demo data) and the debug panel,
# runs blog.test.mjs against it in headless Chromium, stops the blog.
#   tests/browser/run.sh <blog-binary> <output-dir>     # screenshots in <output-dir>
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <blog-binary> <output-dir>" >&2
  exit 2
fi
blog=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)

[ -x "$blog" ] || { echo "browser test: the blog binary $1 is missing or not executable" >&2; exit 1; }
command -v node >/dev/null || { echo "browser test: node is missing (Debian package nodejs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "browser test: npm is missing (Debian package npm)" >&2; exit 1; }
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "browser test: $chromium is missing (Debian package chromium)" >&2; exit 1; }

# playwright-core, as the lockfile pins it: installed again when missing or
# older than the lockfile (npm writes node_modules/.package-lock.json).
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
  [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  if ! log=$(cd "$here" && npm ci --silent --no-audit --no-fund 2>&1); then
    echo "browser test: npm ci in $here failed:" >&2
    echo "$log" >&2
    exit 1
  fi
fi

mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/*.png
work=$(mktemp -d "${TMPDIR:-/tmp}/browser-test.XXXXXX")
blog_pid=""
stop_blog() {
  if [ -n "$blog_pid" ]; then
    kill -TERM "$blog_pid" 2>/dev/null || true
    local _
    for _ in $(seq 50); do  # 5 s to stop cleanly, then killed
      kill -0 "$blog_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$blog_pid" 2>/dev/null || true
    wait "$blog_pid" 2>/dev/null || true
    blog_pid=""
  fi
}
cleanup() {
  stop_blog
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Port 0: the blog binds a free port and prints it.
(cd "$work" && exec "$blog" --database "sqlite:///$work/blog.db" --host 127.0.0.1 --port 0 --debug) \
  >"$work/blog.log" 2>&1 &
blog_pid=$!
url=""
for _ in $(seq 150); do  # 15 s
  url=$(sed -n 's|^Serving the blog on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$work/blog.log")
  [ -n "$url" ] && curl -sf -o /dev/null --max-time 2 "$url/" && break
  if ! kill -0 "$blog_pid" 2>/dev/null; then
    echo "browser test: the blog exited before serving; its output:" >&2
    cat "$work/blog.log" >&2
    exit 1
  fi
  url=""
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "browser test: the blog did not answer within 15 s; its output:" >&2
  cat "$work/blog.log" >&2
  exit 1
fi

status=0
BLOG_URL=$url SCREENSHOT_DIR=$out CHROMIUM=$chromium node "$here/blog.test.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "browser test: the blog's output:" >&2
  tail -n 50 "$work/blog.log" >&2
fi
exit "$status"
