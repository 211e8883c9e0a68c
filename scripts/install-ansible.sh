#!/usr/bin/env bash
# Installs ansible-core and ansible-lint (PyPI, pinned in scripts/ansible-requirements.txt)
# into lab/.ansible-venv, a test dependency of `opsshell export ansible`. A venv of its
# own: lab/.venv (Patroni, WAL-E) is rebuilt whenever lab/requirements.txt changes, and
# ansible-lint's dependencies have no business on the lab's nodes. Safe to run again:
# it rebuilds only when the requirements changed. Prints the venv's bin directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/lab/.ansible-venv
req=$root/scripts/ansible-requirements.txt
stamp=$venv/.requirements
if [[ ! -x $venv/bin/ansible-playbook ]] || ! cmp -s "$req" "$stamp"; then
    if ! /usr/bin/python3 -m venv --help >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then
        if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    fi
    echo "creating $venv (ansible-core, ansible-lint)" >&2
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$req" >&2
    cp "$req" "$stamp"
fi
echo "$venv/bin"
