#!/usr/bin/env bash
# make lab-status: what of the lab is running. Exit 0 when all of it is up,
# 3 when some or all of it is down.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

down=0
show() {  # show WHAT PIDFILE [DETAIL]
    if pid_alive "$2"; then
        printf '  %-48s up    PID %-7s %s\n' "$1" "$(head -n1 "$2")" "${3:-}"
    else
        printf '  %-48s down\n' "$1"
        down=1
    fi
}

echo "OpsShell rehearsal lab ($RUN)"
show "etcd" "$RUN/etcd/etcd.pid" "127.0.0.1:$ETCD_PORT"
show "production postgres" "$RUN/prod/data/postmaster.pid" "127.0.0.1:$PROD_PORT"
show "prod-db-01 sshd" "$RUN/prod/sshd.pid" "127.0.0.1:$((PORT_BASE + 220))"
for n in "${NODES[@]}"; do
    d=$(node_dir "$n")
    show "$(node_name "$n") sshd" "$d/sshd.pid" "127.0.0.1:$(ssh_port "$n")"
    show "$(node_name "$n") patroni" "$d/pid/patroni.pid" "API 127.0.0.1:$(api_port "$n")"
    show "$(node_name "$n") postgres" "$d/postgresql/data/postmaster.pid" "127.0.0.1:$(pg_port "$n")"
done

if pid_alive "$RUN/etcd/etcd.pid" && [[ -x $VENV/bin/patronictl ]]; then
    echo
    "$VENV/bin/patronictl" -c "$(node_dir 1)/patroni.yml" list 2>/dev/null || echo "  (patronictl list failed)"
    if cluster_healthy; then echo "cluster: formed (node 1 standby leader, nodes 2 and 3 streaming)"; else echo "cluster: NOT formed"; down=1; fi
fi
if [[ -f $RUN/inventory.toml ]]; then
    echo
    echo "inventory: $RUN/inventory.toml"
    echo "ssh_config: $RUN/ssh_config"
fi
exit $((down ? 3 : 0))
