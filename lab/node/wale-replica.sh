#!/bin/bash
# Patroni replica method "wale" (create_replica_methods: [wale], no_leader: 1):
# build this member's data directory from production's latest WAL-E base
# backup. Used by the standby leader's bootstrap and by new replicas alike.
# (Patroni's bundled patroni_wale_restore cannot be used: WAL-E's file
# backend leaves the backup-list size/stop columns empty and it crashes.)
# Patroni calls: wale-replica.sh --scope=.. --role=replica --datadir=.. --connstring=.. [--no_leader=1]
set -euo pipefail
datadir=
for arg; do
    case $arg in --datadir=*) datadir=${arg#--datadir=} ;; esac
done
[[ -n $datadir ]] || { echo "wale-replica.sh: no --datadir given" >&2; exit 2; }
mkdir -p "$datadir"
chmod 0700 "$datadir"
cd /tmp   # envdir needs a readable working directory
exec /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch "$datadir" LATEST
