#!/usr/bin/env bash
# make test: every test, in lanes, so that the labs' waiting overlaps the
# builds' CPU work (2 cores here; `make test` from a clean clone in 15 min).
#
#   prepare   the Debian packages and the lab's tools are installed while the
#             debug build and its tests compile (apt does not need the CPU)
#   long      the long-haul lab (LAB_LONG=1) on ports and a state directory
#             of its own; it mostly waits on its throttled restores
#   unit      the Swift Testing suites, one at a time (the rehearsal's lab
#             comes up meanwhile), but the Ansible export's, then
#   install   the static release build, make install and make deb, then the
#             Ansible export's suite (ansible-playbook), beside
#   rehearsal the seed runbook through opsshell on the lab, the lab suites,
#             the replay, beside
#   guide     the guided rebuild killed mid-restore and resumed, on a lab
#             of its own (it waits on a throttled restore); then, on a fresh
#             lab there, the rehearsal exported to Ansible
#
# Test binaries run directly (Tests/lab/swift-test.sh), not through
# `swift test`: SwiftPM holds a lock on .build while the release build runs.
# Every lane's output is in .build/test-logs/LANE.log; a failed lane's last
# lines are printed. Exit status: 0 when every lane passed.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
logs=.build/test-logs
mkdir -p "$logs"
t0=$SECONDS
failed=()

# lane NAME CMD...: run CMD with its output in NAME's log, then one line.
lane() {
    local name=$1 start=$SECONDS rc=0; shift
    "$@" >"$logs/$name.log" 2>&1 </dev/null || rc=$?
    if ((rc == 0)); then
        echo "lane $name: passed in $((SECONDS - start)) s"
    else
        echo "lane $name: FAILED (exit $rc) after $((SECONDS - start)) s; its failures, then its last lines ($logs/$name.log):"
        grep -a -E '✘|FAILED' "$logs/$name.log" | head -n 40 | sed 's/^/    /'
        grep -a -v '^\[lab ' "$logs/$name.log" | tail -n 40 | sed 's/^/    /'
    fi
    return "$rc"
}

prepare_packages() {
    scripts/install-deps.sh test && scripts/install-deps.sh install && lab/install.sh \
        && Tests/Standins/consul/selfcheck.sh
}
build_tests() { "$SWIFT" build --build-tests; }
long_haul() { LAB_PORT_BASE=23000 LAB_RUN=lab/run-long Tests/lab/long-haul.sh; }
ansible_suite=AnsibleExportTests     # Python's start-up is its time: off the unit lane's path
unit() { Tests/lab/swift-test.sh --skip "$ansible_suite"; }
install() { scripts/install-test.sh && Tests/lab/swift-test.sh --filter "$ansible_suite"; }
# A fresh lab, as rehearse.sh makes it; rehearse.sh then finds it up (and
# brings up whatever did not come up).
lab_up() { { lab/down.sh || true; } && rm -rf lab/run && mkdir -p lab/run && lab/up.sh; }
reuse=1
guide_test=guideGeoRebuild
rehearsal() { OPSSHELL=$PWD/.build/debug/opsshell LAB_TEST_REUSE=$reuse LAB_SKIP=$guide_test Tests/lab/rehearse.sh; }
guide() {
    export LAB_PORT_BASE=22000 LAB_RUN=lab/run-guide
    Tests/lab/suite.sh "$guide_test" && OPSSHELL=$PWD/.build/debug/opsshell Tests/lab/ansible.sh
}

# Wait for background lanes by PID; a failed one is remembered by name.
declare -A running=()
start() { lane "$@" & running[$!]=$1; }
finish() {
    local pid
    for pid in "$@"; do wait "$pid" || failed+=("${running[$pid]}"); unset "running[$pid]"; done
}

scripts/install-deps.sh run || { echo "make test: installing libedit-dev failed"; exit 1; }
start prepare prepare_packages; p1=$!
start build build_tests; p2=$!
finish "$p1" "$p2"
if ((${#failed[@]})); then echo "make test: FAILED before any test ran: ${failed[*]}"; exit 1; fi

start long long_haul; p_long=$!
start lab-up lab_up; p_up=$!
lane unit unit || failed+=(unit)
# Not a test: when it failed, the rehearsal starts from a clean lab itself.
wait "$p_up" || { echo "make test: the rehearsal starts from a clean lab"; reuse=; }
start install install; p_install=$!
start guide guide; p_guide=$!
lane rehearsal rehearsal || failed+=(rehearsal)
finish "$p_install" "$p_guide" "$p_long"

echo "make test: $((SECONDS - t0)) s"
if ((${#failed[@]})); then echo "make test: FAILED: ${failed[*]}"; exit 1; fi
echo "make test: every lane passed"
