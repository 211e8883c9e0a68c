#!/usr/bin/env bash
# Plugin rows for make bench: parsing speed, and the native Patroni list
# against the lab when it is up (make lab-up), with Patroni's own
# `patronictl list` timed in the same run as the peer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/.build/release/OpsBench
[[ -x $bench ]] || (cd "$root" && swift build -c release --product OpsBench >/dev/null)
inventory=$root/lab/run/inventory.toml
if [[ -f $inventory ]] && "$root/lab/status.sh" >/dev/null 2>&1; then
    api=$(sed -n 's/^patroni_api = "\(.*\)"/\1/p' "$inventory" | head -n 1)
    peer=$(hyperfine -N --runs 5 --export-json /tmp/opsshell-bench-patronictl.json --style none \
        "$root/lab/.venv/bin/patronictl -c $root/lab/run/node1/patroni.yml list" >/dev/null 2>&1 \
        && python3 -c "import json,statistics;print('patronictl list: %.0f ms' % (statistics.median(json.load(open('/tmp/opsshell-bench-patronictl.json'))['results'][0]['times'])*1000))")
    "$bench" "$api" "$peer"
else
    "$bench"
    printf 'native patronictl list (GET /cluster)\tnot measured\t< 20 ms\tthe lab is not up: make lab-up, then make bench\n'
fi
