# Shared settings and helpers for the rehearsal lab; sourced by lab/*.sh.
# Everything the lab generates lives in lab/run (state; LAB_RUN moves it, so
# that two labs can run side by side with different LAB_PORT_BASEs), lab/cache
# (downloads) and lab/.venv (Python tools); .gitignore ignores all three.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=$(realpath -m "${LAB_RUN:-$LAB_DIR/run}")
CACHE=$LAB_DIR/cache
VENV=$LAB_DIR/.venv
ARCHIVE=$RUN/archive                       # the WAL-E "bucket" (file backend)
WALE_PREFIX=file://localhost$ARCHIVE

# Ports: all on 127.0.0.1, away from the defaults so that a real PostgreSQL,
# etcd or sshd on this machine is never touched. LAB_PORT_BASE moves them all.
PORT_BASE=${LAB_PORT_BASE:-25000}
PROD_PORT=$((PORT_BASE + 432))             # "production" primary: 25432
ETCD_PORT=$((PORT_BASE + 379))             # etcd client: 25379
ETCD_PEER_PORT=$((PORT_BASE + 380))        # etcd peer:   25380
NODES=(1 2 3)
CLUSTER=pg-ha-cluster
ROLE=dr-base-db-patroni
DB=gitlabhq_production                     # the database pgbench fills on production
PG_BIN=/usr/lib/postgresql/15/bin

node_name() { printf 'patroni-%02d-db-dr.c.gitlab-dr.internal' "$1"; }
node_dir()  { echo "$RUN/node$1"; }
ssh_port()  { echo $((PORT_BASE + 220 + $1)); }   # 25221..25223
pg_port()   { echo $((PORT_BASE + 432 + $1)); }   # 25433..25435
api_port()  { echo $((PORT_BASE + 8 + $1)); }     # 25009..25011

log()  { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die()  { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# pid_alive FILE: the PID in FILE is a live process (a zombie is not: a
# daemon whose parent exited waits as one until PID 1 reaps it).
pid_alive() {
    local pid state
    [[ -s $1 ]] || return 1
    pid=$(head -n1 "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ $state != Z ]]
}

# wait_for SECONDS DESCRIPTION CMD...: poll CMD once a second until it
# succeeds; give up (return 1) after SECONDS. Every wait in the lab is bounded.
wait_for() {
    local timeout=$1 what=$2; shift 2
    local deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "timed out after ${timeout}s waiting for: $what"
            return 1
        fi
        sleep 1
    done
}

# in_node N CMD...: run CMD inside node N's mount namespace (held by its sshd).
in_node() {
    local n=$1; shift
    local pid
    pid=$(head -n1 "$(node_dir "$n")/sshd.pid")
    nsenter --mount="/proc/$pid/ns/mnt" --uts="/proc/$pid/ns/uts" -- "$@"
}

# cluster_json: `patronictl list -f json` (members as seen in etcd).
cluster_json() { "$VENV/bin/patronictl" -c "$(node_dir 1)/patroni.yml" list -f json 2>/dev/null; }

# cluster_healthy: node 1 is the standby leader and nodes 2 and 3 stream from it.
cluster_healthy() {
    cluster_json | "$VENV/bin/python" -c '
import json, sys
names = sys.argv[1:]
m = {x["Member"]: x for x in json.load(sys.stdin)}
ok = (m.get(names[0], {}).get("Role") == "Standby Leader"
      and m[names[0]].get("State") in ("streaming", "in archive recovery", "running")
      and all(m.get(n, {}).get("State") == "streaming" for n in names[1:]))
sys.exit(0 if ok else 1)
' "$(node_name 1)" "$(node_name 2)" "$(node_name 3)"
}

# Long-haul mode (LAB_LONG=1 make lab-up; lab/README.md): the seed's disk
# danger for real. Every restore after lab-up reads the archive at
# LAB_FETCH_RATE (pv -L), production writes WAL all along (a bounded
# pgbench), and each node's pg_wal is a filesystem of LAB_WAL_MB (256) of its own.
LONG=${LAB_LONG:-}
[[ $LONG == 0 ]] && LONG=
LONG_ENV=$RUN/long-haul.env                # written by up.sh in long-haul mode, read by node/*.sh
LONG_THROTTLE=$RUN/long-haul.throttle      # the pv -L rate; present once the cluster has formed
WAL_FS=/var/opt/gitlab/pg_wal              # inside a host: the tmpfs that holds pg_wal
