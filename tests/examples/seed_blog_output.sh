#!/usr/bin/env bash
# The main job's contract: examples/seed_blog exits 0 and its last two lines
# are the seed's navigations. $1: the seed_blog executable.
set -euo pipefail
out=$("$1")
expected=$'user 1 posts: Hello, Relationships\npost 1 author: alice'
last=$(printf '%s\n' "$out" | tail -n 2)
if [ "$last" != "$expected" ]; then
  printf 'seed_blog printed:\n%s\nexpected its last two lines to be:\n%s\n' "$out" "$expected" >&2
  exit 1
fi
