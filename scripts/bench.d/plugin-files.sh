#!/usr/bin/env bash
# make bench row: what 50 plugin files add to start-up (opsshell -c vars
# with --plugins DIR of 50 files, against an empty DIR), medians by hyperfine.
# The figure is a start with the cache of files read before (the usual
# case); a first start after the files changed (no cache) is beside it.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d); empty=$(mktemp -d); cache=$(mktemp -d)
trap 'rm -rf "$dir" "$empty" "$cache" "$dir.json"' EXIT
export XDG_CACHE_HOME=$cache
for i in $(seq 1 50); do
    sed -e "s/^name = \"pgbackrest\"/name = \"tool$i\"/" -e "s/^executables = \[\"pgbackrest\"\]/executables = [\"tool$i\"]/" \
        "$root/plugins/pgbackrest.toml" > "$dir/tool$i.toml"
done
median() {
    hyperfine -N --warmup 5 --runs 40 --export-json "$dir.json" --style none "$@" >/dev/null 2>&1
    python3 -c "import json,statistics;print(statistics.median(json.load(open('$dir.json'))['results'][0]['times'])*1000)"
}
with=$(median "$bin --plugins $dir -c vars")
without=$(median "$bin --plugins $empty -c vars")
cold=$(median --prepare "rm -rf $cache/opsshell" "$bin --plugins $dir -c vars")
python3 -c "print('start-up cost of 50 plugin files (pgbackrest-sized), cached\t%.1f ms\t< 5 ms\twith %.1f ms, without %.1f ms; uncached (first start after a change) %.1f ms' % ($with-$without, $with, $without, $cold-$without))"
