#!/usr/bin/env bash
# make lab-long-test: the seed's step 9 disk danger for real, and step 11
# removing it, in the lab's long-haul mode (lab/README.md, "Long-haul mode").
#   1. a fresh lab with LAB_LONG=1 (restores throttled with pv -L, pgbench on
#      production, each node's pg_wal on a small tmpfs of its own)
#   2. the LongHaulLabTests suite (Tests/lab/swift-test.sh): node 3 rebuilt from the base
#      backup; the control (no remedy: node 3's slot fills the leader's
#      pg_wal past a threshold), then cycle-replicas and catch-up
#   3. make lab-down, always (trap EXIT)
# LAB_RUN and LAB_PORT_BASE move the lab (scripts/test.sh runs this one beside
# the rehearsal's lab). Ends with "long haul: 1 passed, 0 failed" or "long haul: 0 passed, 1 failed".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
finish() {
    local rc=$?
    trap - EXIT
    echo "--- lab-down"
    lab/down.sh || rc=1
    if ((rc == 0)); then echo "long haul: 1 passed, 0 failed"; else echo "long haul: 0 passed, 1 failed"; fi
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM
run=${LAB_RUN:-lab/run}
t0=$SECONDS
lab/down.sh >/dev/null 2>&1 || true
rm -rf "$run"
mkdir -p "$run"
echo "--- LAB_LONG=1 lab-up"
LAB_LONG=1 lab/up.sh | tee "$run/lab-up.out"
inventory=$(tail -n 2 "$run/lab-up.out" | sed -n 's/^inventory: //p')
[[ -f $inventory ]] || { echo "lab-up did not name its inventory" >&2; exit 1; }
echo "--- Tests/lab/swift-test.sh --filter LongHaulLabTests"
OPSSHELL_LAB_INVENTORY=$inventory OPSSHELL_LAB_LONG=1 timeout --kill-after=10 1800 \
    Tests/lab/swift-test.sh --filter LongHaulLabTests </dev/null 2>&1 | tee "$run/long-haul.out" | grep -v '^\[' | tail -n 30
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "the long-haul test failed ($run/long-haul.out)" >&2; exit 1; }
echo "timings: long-haul lab-up and test $((SECONDS - t0))s (before lab-down)"
