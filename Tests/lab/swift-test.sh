#!/usr/bin/env bash
# swift-test.sh [--filter X]...: the Swift Testing suites of the debug build
# (swift build --build-tests), one test at a time, without `swift test`:
# SwiftPM holds a lock on .build for as long as it runs, and scripts/test.sh
# runs these beside the release build. Fails when a filter matches no test.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=$root/.build/debug/OpsShellPackageTests.xctest
[[ -x $binary ]] || { echo "swift-test.sh: $binary is missing: swift build --build-tests first" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# One at a time: on 2 cores, suites that block a thread while they wait for
# a process would starve one another (and timing-sensitive tests with them).
"$binary" --testing-library swift-testing --no-parallel "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
if ((rc == 0)) && grep -Eq 'Test run with 0 tests' "$out"; then
    echo "swift-test.sh: no test matched: $*" >&2
    exit 1
fi
exit "$rc"
