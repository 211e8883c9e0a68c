#!/usr/bin/env bash
# suite.sh FILTER: one suite of the lab tests on a lab of its own: a fresh
# lab (LAB_RUN, LAB_PORT_BASE move it), the suite, lab down (always).
# scripts/test.sh runs the guided rebuild's suite this way, long-haul.sh the
# long-haul suite (with LAB_LONG=1), each beside the
# rehearsal's lab. Ends with "FILTER: 1 passed, 0 failed" or "…0 passed, 1 failed".
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 FILTER" >&2; exit 2; }
filter=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
run=$(realpath -m "${LAB_RUN:-lab/run}")
finish() {
    local rc=$?
    trap - EXIT
    echo "--- lab-down"
    lab/down.sh || rc=1
    if ((rc == 0)); then echo "$filter: 1 passed, 0 failed"; else echo "$filter: 0 passed, 1 failed"; fi
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
lab/down.sh >/dev/null 2>&1 || true
rm -rf "$run"
mkdir -p "$run"
echo "--- lab-up"
lab/up.sh >"$run/lab-up.out" 2>&1 || { tail -n 20 "$run/lab-up.out"; echo "lab-up failed" >&2; exit 1; }
inventory=$(tail -n 2 "$run/lab-up.out" | sed -n 's/^inventory: //p')
[[ -f $inventory ]] || { echo "lab-up did not name its inventory" >&2; exit 1; }
echo "--- Tests/lab/swift-test.sh --filter $filter"
OPSSHELL_LAB_INVENTORY=$inventory timeout --kill-after=10 1800 Tests/lab/swift-test.sh --filter "$filter" </dev/null
echo "timings: lab-up and $filter $((SECONDS - t0))s (before lab-down)"
