#!/usr/bin/env bash
# make lab-test: rehearse the seed runbook's restore on the lab, through opsshell.
#   1. make lab-up on a clean lab/run (installs what is missing on a fresh machine)
#   2. $OPSSHELL run --yes --inventory lab/run/inventory.toml Tests/lab/rehearsal.ops
#      (runbook steps 1-9 + checks; --yes: a script has nobody to type the
#      confirmation that `rm -rf` on the data directory asks for)
#   3. check again, independently of the shell's exit status: the cluster
#      re-formed and production's rows (written after the base backup) are on
#      all three nodes
#   4. make lab-down, always (trap EXIT), so nothing is left running
# Ends with "rehearsal: 1 passed, 0 failed" or "rehearsal: 0 passed, 1 failed".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

fail() { echo "REHEARSAL FAILED: $*" >&2; exit 1; }
finish() {
    local rc=$?
    trap - EXIT
    if ((rc != 0)) && [[ -d lab/run/node1 ]]; then
        echo "--- what the nodes logged last (the lab's files stay in lab/run)"
        lab/status.sh || true
        for n in 1 2 3; do
            for f in lab/run/node$n/log/patroni/patroni.log lab/run/node$n/log/postgresql/postgresql.log; do
                [[ -f $f ]] && { echo "--- $f"; tail -n 15 "$f"; }
            done
        done
    fi
    echo "--- lab-down"
    lab/down.sh || { echo "REHEARSAL: lab-down failed" >&2; rc=1; }
    if ((rc == 0)); then echo "rehearsal: 1 passed, 0 failed"; else echo "rehearsal: 0 passed, 1 failed"; fi
    exit "$rc"
}
# Checked before the trap: a wrong OPSSHELL must not stop a running lab.
early() { echo "REHEARSAL FAILED: $*" >&2; echo "rehearsal: 0 passed, 1 failed"; exit 1; }
[[ -n ${OPSSHELL:-} ]] || early "OPSSHELL is not set: point it at the opsshell binary (the Makefile does; lab/opsshell-shim.sh stands in for trying)"
OPSSHELL=$(command -v "$OPSSHELL" || true)
[[ -n $OPSSHELL && -x $OPSSHELL ]] || early "OPSSHELL is not an executable: ${OPSSHELL:-}"

trap finish EXIT
trap 'exit 130' INT TERM

t0=$SECONDS
# A fresh lab each time: an earlier, unfinished rehearsal may have left the
# nodes half restored. LAB_TEST_REUSE=1 keeps lab/run (faster when it is healthy).
if [[ -z ${LAB_TEST_REUSE:-} ]]; then
    lab/down.sh >/dev/null 2>&1 || true
    rm -rf lab/run
fi
echo "--- lab-up"
mkdir -p lab/run
up_log=lab/run/lab-up.out
lab/up.sh | tee "$up_log" || fail "lab-up failed"
# The contract scripts rely on: the last two lines name the inventory and ssh_config.
inventory=$(tail -n 2 "$up_log" | sed -n 's/^inventory: //p')
ssh_config=$(tail -n 1 "$up_log" | sed -n 's/^ssh_config: //p')
[[ -f $inventory && -f $ssh_config ]] || fail "lab-up's last two lines are not 'inventory: PATH' and 'ssh_config: PATH'"
t_up=$((SECONDS - t0))

# The rehearsal is recorded, so that it can be replayed below (the record
# issue: record the reset once, replay it, the cluster re-forms again).
recording=lab/run/rehearsal.recording.ops
echo "--- rehearsal: $OPSSHELL run --yes --inventory $inventory --record $recording Tests/lab/rehearsal.ops"
t1=$SECONDS
timeout --kill-after=10 1800 "$OPSSHELL" run --yes --inventory "$inventory" --record "$recording" Tests/lab/rehearsal.ops </dev/null \
    || fail "opsshell run Tests/lab/rehearsal.ops failed (exit $?)"
t_run=$((SECONDS - t1))

echo "--- independent checks"
Tests/lab/check.sh cluster 120 || fail "the cluster did not re-form"
Tests/lab/check.sh markers 120 || fail "the rows written on production are not on every node"

# The plugins against the real tools, while the cluster is up: one suite at a
# time, since they stop and start the same cluster.
echo "--- plugin tests against the lab (Tests/lab/swift-test.sh --filter LabTests)"
# LAB_SKIP names tests that run elsewhere (scripts/test.sh: on a lab of their own).
OPSSHELL_LAB_INVENTORY=$inventory Tests/lab/swift-test.sh --filter LabTests ${LAB_SKIP:+--skip "$LAB_SKIP"} </dev/null 2>&1 | tail -n 25
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail "the plugin tests against the lab failed"

# Replay the recording: the whole reset again (stop, wipe, restore, start),
# as an operator would replay a rehearsal on the real cluster.
echo "--- replay: $OPSSHELL replay --yes --inventory $inventory $recording"
t2=$SECONDS
grep -q '^knife ssh roles:dr-base-db-patroni .sudo rm -rf' "$recording" || fail "the recording lacks the runbook's commands"
timeout --kill-after=10 1800 "$OPSSHELL" replay --yes --inventory "$inventory" "$recording" </dev/null \
    || fail "opsshell replay $recording failed (exit $?)"
t_replay=$((SECONDS - t2))
Tests/lab/check.sh cluster 120 || fail "the cluster did not re-form after the replay"
Tests/lab/check.sh markers 120 || fail "after the replay, the rows written on production are not on every node"
echo "timings: lab-up ${t_up}s, runbook steps 1-9 through opsshell ${t_run}s, replay ${t_replay}s, total $((SECONDS - t0))s (before lab-down)"
