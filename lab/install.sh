#!/usr/bin/env bash
# Install what the lab needs and is missing: Debian packages (apt), the
# daemonless systemctl (unpacked into lab/cache, never installed: it conflicts
# with systemd) and the Python tools in lab/.venv. Safe to run again: it only
# acts on what is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
    postgresql-15 postgresql-client-15   # production and the standby nodes
    etcd-server etcd-client              # Patroni's DCS and etcdctl
    openssh-server openssh-client        # one sshd per node
    sudo                                 # the runbook runs `sudo ...`
    daemontools                          # envdir, as the runbook calls WAL-E
    lzop pv                              # WAL-E compresses with lzop, rate-limits with pv
    python3 python3-venv                 # Debian's python for lab/.venv (readable by gitlab-psql)
    procps util-linux                    # ps/pgrep for systemctl, unshare/nsenter for the nodes
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

SYSTEMCTL_PY=$CACHE/systemctl/usr/bin/systemctl
if ((${#missing[@]})) || [[ ! -x $SYSTEMCTL_PY ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
fi

if ((${#missing[@]})); then
    log "apt-get install: ${missing[*]}"
    # Package scripts would start sshd on :22 and etcd on :2379 (there is no
    # systemd here, so invoke-rc.d runs the init scripts). A policy-rc.d that
    # says "no" keeps every service stopped; it is removed again right after,
    # unless one was already there.
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\n# temporary, from OpsShell lab/install.sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        own_policy=1
        trap '[[ -n $own_policy ]] && rm -f "$policy"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >"$CACHE/apt-install.log" 2>&1 \
        || { tail -n 30 "$CACHE/apt-install.log" >&2; die "apt-get install failed (log: $CACHE/apt-install.log)"; }
    [[ -n $own_policy ]] && rm -f "$policy"
    own_policy=
fi

# Debian's daemonless systemctl (a Python script), unpacked, not installed.
if [[ ! -x $SYSTEMCTL_PY ]]; then
    log "apt-get download systemctl (unpacked into $CACHE/systemctl)"
    mkdir -p "$CACHE/deb"
    # -o APT::Sandbox::User=root: the _apt user cannot write into lab/cache.
    (cd "$CACHE/deb" && apt-get download -q -o APT::Sandbox::User=root systemctl >/dev/null)
    rm -rf "$CACHE/systemctl"
    dpkg-deb -x "$CACHE"/deb/systemctl_*.deb "$CACHE/systemctl"
fi

# Python tools. Debian's /usr/bin/python3 on purpose: pyenv's lives under
# /root (mode 700), which the gitlab-psql user cannot reach.
req=$LAB_DIR/requirements.txt
stamp=$VENV/.lab-requirements
if [[ ! -x $VENV/bin/python ]] || ! cmp -s "$req" "$stamp"; then
    log "creating $VENV (wal-e, patroni, psycopg2)"
    rm -rf "$VENV"
    /usr/bin/python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input --use-pep517 -r "$req" \
        || die "pip install into $VENV failed"
    cp "$req" "$stamp"
fi
