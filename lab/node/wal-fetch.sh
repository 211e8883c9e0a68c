#!/bin/bash
# restore_command of the lab's replicas in long-haul mode:
#     wal-fetch.sh %f %p [RUN]
# WAL-E's wal-fetch, then the segment delivered through pv -L at the rate in
# RUN/long-haul.throttle (RUN: the lab's state, lab/run unless LAB_RUN moved
# it; once the cluster has formed), so that a
# replica's replay of the archive takes minutes, as a slow bucket makes it.
set -uo pipefail
file=$1 path=$2
run=${3:-$(cd "$(dirname "$0")/.." && pwd)/run}
fetch() { (cd /tmp && /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e wal-fetch -p 0 "$file" "$1"); }
dir=$PWD
# Patroni gives every member of a standby cluster standby_cluster's
# restore_command, the standby leader too: only replicas are throttled, so
# that the leader keeps up with production.
leader=$(/usr/local/bin/etcdctl get --print-value-only /service/pg-ha-cluster/leader 2>/dev/null || true)
if [[ ! -s $run/long-haul.throttle || $leader == "$(hostname)" ]]; then fetch "$dir/$path"; exit; fi
tmp=$dir/$path.lab-fetch
fetch "$tmp" || { status=$?; rm -f "$tmp"; exit "$status"; }
pv -q -L "$(cat "$run/long-haul.throttle")" <"$tmp" >"$dir/$path" && rm -f "$tmp"
