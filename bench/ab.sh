#!/bin/sh
# Before/after on the same machine in the same minutes: snapshots of commits, run interleaved.
#   bench/ab.sh ROUNDS COMMIT...   (env Q, R, N, C reach bench/quick.ts)
# One JSON line per run, prefixed with its commit; take medians per commit.
set -e
rounds=$1; shift
root=$(git rev-parse --show-toplevel)
for c in "$@"; do
  d="$root/.tmp/ab/$c"
  if [ ! -d "$d" ]; then mkdir -p "$d"; git -C "$root" archive "$c" src bench seed package.json tsconfig.json | tar -x -C "$d"; fi
  # This driver, whatever the commit (older ones predate it; it only uses bench/inprocess.ts and bench/http.ts).
  cp "$root/bench/quick.ts" "$d/bench/quick.ts"
done
i=0
while [ $i -lt "$rounds" ]; do
  for c in "$@"; do printf '%s ' "$c"; (cd "$root/.tmp/ab/$c" && node --import tsx bench/quick.ts); done
  i=$((i + 1))
done
