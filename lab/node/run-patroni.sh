#!/bin/sh
# ExecStart of each node's patroni.service (run as gitlab-psql by the node's
# systemctl): record Patroni's PID for lab/down.sh, then become Patroni.
# Usage: run-patroni.sh NODEDIR
set -eu
lab_dir=$(cd "$(dirname "$0")/.." && pwd)
echo $$ >"$1/pid/patroni.pid"
cd /tmp
exec "$lab_dir/.venv/bin/patroni" "$1/patroni.yml"
