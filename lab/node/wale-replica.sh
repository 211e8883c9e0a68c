#!/bin/bash
# Patroni replica method "wale" (create_replica_methods: [wale], no_leader: 1):
# build this member's data directory from production's latest WAL-E base
# backup. Used by the standby leader's bootstrap and by new replicas alike.
# (Patroni's bundled patroni_wale_restore cannot be used: WAL-E's file
# backend leaves the backup-list size/stop columns empty and it crashes.)
# Patroni calls: wale-replica.sh --scope=.. --role=replica --datadir=.. --connstring=.. [--no_leader=1]
#   --lab_run=..: the lab's state directory (lab/run unless LAB_RUN moved it)
set -euo pipefail
datadir=
run=$(cd "$(dirname "$0")/.." && pwd)/run
for arg; do
    case $arg in
        --datadir=*) datadir=${arg#--datadir=} ;;
        --lab_run=*) run=${arg#--lab_run=} ;;
    esac
done
[[ -n $datadir ]] || { echo "wale-replica.sh: no --datadir given" >&2; exit 2; }
mkdir -p "$datadir"
chmod 0700 "$datadir"
cd /tmp   # envdir needs a readable working directory
fetch() { /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch "$1" LATEST; }
[[ -f $run/long-haul.env ]] || { fetch "$datadir"; exit; }

# Long-haul mode (lab/README.md). Once the cluster has formed, the backup is
# read at the throttle's rate: fetched beside the data directory, then
# copied in through pv -L, as a slow bucket would deliver it.
. "$run/long-haul.env"
if [[ -s $run/long-haul.throttle ]]; then
    staging=$datadir.lab-fetch
    rm -rf "$staging"
    mkdir -m 0700 "$staging"
    fetch "$staging"
    tar -C "$staging" -cf - . | pv -q -L "$(cat "$run/long-haul.throttle")" | tar -C "$datadir" -xf -
    rm -rf "$staging"
else
    fetch "$datadir"
fi
# pg_wal on its own small filesystem, as initdb --waldir would place it.
find "$WAL_FS" -mindepth 1 -delete
if [[ -d $datadir/pg_wal && ! -L $datadir/pg_wal ]]; then
    cp -a "$datadir/pg_wal/." "$WAL_FS/"
    rm -rf "$datadir/pg_wal"
fi
mkdir -p "$WAL_FS/archive_status"
ln -sfn "$WAL_FS" "$datadir/pg_wal"
