#!/usr/bin/env bash
# make lab-long-test: the seed's step 9 disk danger for real, and step 11
# removing it, in the lab's long-haul mode (lab/README.md, "Long-haul mode"):
# Tests/lab/suite.sh's fresh lab, suite and lab-down, with LAB_LONG=1
# (restores throttled with pv -L, pgbench on production, each node's pg_wal
# on a small tmpfs of its own) and the LongHaulLabTests suite: node 3 rebuilt
# from the base backup; the control (no remedy: node 3's slot fills the
# leader's pg_wal past a threshold), then cycle-replicas and catch-up.
# LAB_RUN and LAB_PORT_BASE move the lab (scripts/test.sh runs this one beside
# the rehearsal's lab). Ends with "LongHaulLabTests: 1 passed, 0 failed" or "… 0 passed, 1 failed".
set -euo pipefail
export LAB_LONG=1 OPSSHELL_LAB_LONG=1   # up.sh reads the first, LongHaulLabTests the second
exec "$(dirname "$0")/suite.sh" LongHaulLabTests
