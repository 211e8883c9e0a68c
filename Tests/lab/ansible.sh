#!/usr/bin/env bash
# make lab-ansible-test: the recorded rehearsal, exported to Ansible and run by
# ansible-playbook against the lab, with the checks of make lab-test.
#   1. a fresh lab (lab/up.sh; LAB_TEST_REUSE=1 keeps a running one)
#   2. $OPSSHELL export ansible --unattended --inventory lab/run/inventory.toml
#      Tests/lab/rehearsal.ops lab/run/ansible (--unattended: nobody is there to
#      type the word `rm -rf` of the data directory asks for), then
#      ansible-playbook --syntax-check and ansible-lint on it
#   3. ansible-playbook runs it: runbook steps 1-9 and the rehearsal's own checks
#      (Tests/lab/check.sh on this machine: standby leader, cluster, lag, markers)
#   4. checked again, independently: node 1 standby leader, 02 and 03 streaming,
#      production's rows (written after the base backup) on every node
#   5. lab/down.sh, always
# Every lab command honours LAB_PORT_BASE, and LAB_RUN (lab/run by default). Ends with "ansible rehearsal: 1 passed, 0 failed"
# or "ansible rehearsal: 0 passed, 1 failed".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

fail() { echo "ANSIBLE REHEARSAL FAILED: $*" >&2; exit 1; }
finish() {
    local rc=$?
    trap - EXIT
    echo "--- lab-down"
    lab/down.sh || { echo "ANSIBLE REHEARSAL: lab-down failed" >&2; rc=1; }
    if ((rc == 0)); then echo "ansible rehearsal: 1 passed, 0 failed"; else echo "ansible rehearsal: 0 passed, 1 failed"; fi
    exit "$rc"
}
early() { echo "ANSIBLE REHEARSAL FAILED: $*" >&2; echo "ansible rehearsal: 0 passed, 1 failed"; exit 1; }
[[ -n ${OPSSHELL:-} && -x ${OPSSHELL:-} ]] || early "OPSSHELL is not the opsshell binary: ${OPSSHELL:-unset}"
bin=$(scripts/install-ansible.sh) || early "scripts/install-ansible.sh failed"

trap finish EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
run=$(realpath -m "${LAB_RUN:-lab/run}")
if [[ -z ${LAB_TEST_REUSE:-} ]]; then
    lab/down.sh >/dev/null 2>&1 || true
    rm -rf "$run"
fi
echo "--- lab-up"
mkdir -p "$run"
lab/up.sh >"$run/lab-up.out" 2>&1 || { tail -n 20 "$run/lab-up.out"; fail "lab-up failed"; }
inventory=$(sed -n 's/^inventory: //p' "$run/lab-up.out" | tail -n 1)
[[ -f $inventory ]] || fail "lab-up named no inventory"
t_up=$((SECONDS - t0))

out=$run/ansible
echo "--- $OPSSHELL export ansible --unattended --inventory $inventory Tests/lab/rehearsal.ops $out"
"$OPSSHELL" export ansible --unattended --inventory "$inventory" Tests/lab/rehearsal.ops "$out" || fail "export ansible failed"
export ANSIBLE_CONFIG=$out/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=$out/.tmp
"$bin/ansible-playbook" -i "$out/inventory.yml" "$out/playbook.yml" --syntax-check >/dev/null || fail "ansible-playbook --syntax-check failed"
PATH=$bin:$PATH "$bin/ansible-lint" --nocolor --offline -q -c "$out/.ansible-lint" "$out/playbook.yml" || fail "ansible-lint failed"

echo "--- ansible-playbook -i $out/inventory.yml $out/playbook.yml"
t1=$SECONDS
timeout --kill-after=10 1800 "$bin/ansible-playbook" -i "$out/inventory.yml" "$out/playbook.yml" </dev/null \
    || fail "ansible-playbook failed (exit $?)"
t_run=$((SECONDS - t1))

echo "--- independent checks"
Tests/lab/check.sh cluster 120 || fail "the cluster did not re-form"
Tests/lab/check.sh markers 120 || fail "the rows written on production are not on every node"
echo "timings: lab-up ${t_up}s, the rehearsal through ansible-playbook ${t_run}s, total $((SECONDS - t0))s (before lab-down)"
