#!/usr/bin/env bash
# make lab-down: stop exactly what lab/up.sh started, by the PIDs it recorded
# in lab/run, and leave nothing running. Data in lab/run is kept (lab-up
# starts it again; `make lab-clean` removes it).
set -uo pipefail   # no -e: carry on stopping the rest when one part fails
. "$(dirname "$0")/lib.sh"

stopped=()   # every PID signalled, to see them gone at the end

# stop_pid FILE WHAT [SIGNAL]: signal the PID in FILE, wait up to 30 s, then
# SIGKILL; then remove FILE. A PID file left behind names a number the system
# gives out again: a later lab-down (of this lab, while another lab runs
# beside it) would signal that other lab's process.
stop_pid() {
    local file=$1 what=$2 sig=${3:-TERM} pid
    pid_alive "$file" || { rm -f "$file"; return 0; }
    pid=$(head -n1 "$file")
    stopped+=("$pid")
    log "stopping $what (PID $pid)"
    kill "-$sig" "$pid" 2>/dev/null
    for _ in $(seq 30); do pid_alive "$file" || { rm -f "$file"; return 0; }; sleep 1; done
    log "$what (PID $pid) ignored SIG$sig for 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    sleep 1
    rm -f "$file"
}

# ns_pids HOSTDIR: every process in the host's mount namespace (Patroni,
# PostgreSQL, ssh sessions and what they started), found by its namespace id.
ns_pids() {
    local pid ns p
    pid_alive "$1/sshd.pid" || return 0
    pid=$(head -n1 "$1/sshd.pid")
    ns=$(readlink "/proc/$pid/ns/mnt") || return 0
    for p in /proc/[0-9]*; do
        [[ $(readlink "$p/ns/mnt" 2>/dev/null) == "$ns" ]] && echo "${p#/proc/}"
    done
}

stop_pid "$RUN/prod/pgbench.pid" "long-haul pgbench on production"
rm -f "$LONG_THROTTLE"

for n in "${NODES[@]}"; do
    d=$(node_dir "$n")
    # Patroni first, the way the runbook stops it: it shuts PostgreSQL down cleanly.
    if pid_alive "$d/pid/patroni.pid" && pid_alive "$d/sshd.pid"; then
        log "systemctl stop patroni on $(node_name "$n")"
        timeout 90 bash -c ". '$LAB_DIR/lib.sh'; in_node $n env -i PATH=/usr/local/bin:/usr/bin:/bin /usr/local/bin/systemctl stop patroni" >/dev/null 2>&1
    fi
    stop_pid "$d/pid/patroni.pid" "patroni on $(node_name "$n")"
    stop_pid "$d/postgresql/data/postmaster.pid" "postgres on $(node_name "$n")" INT
done

for d in "$RUN/prod" "$(node_dir 1)" "$(node_dir 2)" "$(node_dir 3)"; do
    [[ -d $d ]] || continue
    # Leftovers in the namespace (e.g. an operator's open ssh session), then sshd.
    mapfile -t pids < <(ns_pids "$d")
    if ((${#pids[@]})); then
        sshd_pid=$(head -n1 "$d/sshd.pid")
        others=()
        for p in "${pids[@]}"; do [[ $p == "$sshd_pid" ]] || others+=("$p"); done
        if ((${#others[@]})); then
            log "ending ${#others[@]} process(es) left in $(basename "$d")'s namespace: ${others[*]}"
            stopped+=("${others[@]}")
            kill -TERM "${others[@]}" 2>/dev/null
            sleep 2
            kill -KILL "${others[@]}" 2>/dev/null
        fi
    fi
    stop_pid "$d/sshd.pid" "sshd of $(basename "$d")"
done

if [[ -f $RUN/prod/data/postmaster.pid ]] && pid_alive "$RUN/prod/data/postmaster.pid"; then
    log "stopping production PostgreSQL"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$RUN/prod/data" -m fast -w -t 60 stop >/dev/null 2>&1
    stop_pid "$RUN/prod/data/postmaster.pid" "production postgres" INT
fi
stop_pid "$RUN/prod/backup-session.pid" "WAL-E backup session helper"
stop_pid "$RUN/etcd/etcd.pid" "etcd"

# Daemons whose parent exited are reaped by PID 1, a moment later: wait
# (at most 10 s) so that `ps` right after lab-down shows none of them.
for _ in $(seq 20); do
    left=0
    for p in "${stopped[@]}"; do [[ -e /proc/$p ]] && left=1 && break; done
    ((left)) || break
    sleep 0.5
done

# The namespaces (and every mount in them) are gone with their last process;
# the machine's own mount table never had any of them.
if findmnt -rn -o TARGET | grep -q -e '^/var/opt/gitlab' -e '^/etc/wal-e.d' -e '^/opt/wal-e' -e "^$RUN"; then
    log "WARNING: lab mounts are visible on the machine:"; findmnt -rn -o TARGET | grep -e gitlab -e wal-e -e "$RUN" >&2
    exit 1
fi
log "lab is down"
