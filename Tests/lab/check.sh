#!/usr/bin/env bash
# Checks the rehearsal makes between and after the runbook's steps. Each
# looks at the lab the way an operator would (ssh into the hosts, patronictl,
# psql), polls with a bound, and fails loudly with what it saw.
#   check.sh latest-backup HOURS   newest base backup (by start segment) is younger than HOURS
#   check.sh standby-leader SECS   node 1's Patroni (REST API) runs as standby leader
#   check.sh cluster SECS          node 1 Standby Leader, nodes 2 and 3 streaming
#   check.sh lag SECS              replicas' receive/replay lag reaches 0 MB, printed as it falls
#   check.sh markers SECS          every node has production's lab_marker rows
#   check.sh stopped               no PostgreSQL runs on the nodes (before deleting data)
#   check.sh write-production      not a check: production writes a row (and switches WAL)
#                                  while the DR cluster is down, to be found on the nodes later
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/lab/lib.sh"
SSH=(ssh -F "$RUN/ssh_config" -n)
PY=$VENV/bin/python
fail() { echo "CHECK FAILED: $*" >&2; exit 1; }

# poll SECS DESCRIPTION FUNCTION: run FUNCTION until it succeeds or SECS pass.
# FUNCTION prints what it saw; a line is shown only when it differs from the last.
poll() {
    local secs=$1 what=$2 fn=$3 deadline=$((SECONDS + $1)) seen last= rc
    while :; do
        rc=0
        seen=$("$fn" 2>&1) || rc=$?
        [[ $seen != "$last" ]] && printf '%s\n' "$seen"
        last=$seen
        ((rc == 0)) && return 0
        ((SECONDS < deadline)) || fail "$what (waited ${secs}s)"
        sleep 2
    done
}

members() { "${SSH[@]}" "$(node_name 1)" 'gitlab-patronictl list -f json'; }

case ${1:-} in
latest-backup)
    hours=${2:?hours}
    "${SSH[@]}" "$(node_name 1)" '/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list 2>/dev/null' |
        "$PY" -c '
import csv, datetime, sys
rows = list(csv.DictReader(sys.stdin, dialect="excel-tab"))
if not rows:
    sys.exit("CHECK FAILED: backup-list shows no base backup")
latest = max(rows, key=lambda r: r["wal_segment_backup_start"])   # by start segment, not mtime
when = datetime.datetime.fromisoformat(latest["last_modified"].replace("Z", "+00:00"))
if when.tzinfo is None:
    when = when.replace(tzinfo=datetime.timezone.utc)
age = datetime.datetime.now(datetime.timezone.utc) - when
print("latest base backup: %s (start segment %s), %.1f h old" % (latest["name"], latest["wal_segment_backup_start"], age.total_seconds() / 3600))
if age > datetime.timedelta(hours=float(sys.argv[1])):
    sys.exit("CHECK FAILED: latest base backup is older than %s h: report to DBRE" % sys.argv[1])
' "$hours"
    ;;
standby-leader)
    api=http://127.0.0.1:$(api_port 1)/patroni
    is_leader() {
        "$PY" - "$api" <<'PY'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
        s = json.load(r)
except urllib.error.HTTPError as e:  # 503 while not healthy: still a JSON body
    s = json.load(e)
except OSError as e:
    s = {"state": "no answer from the REST API (%s)" % getattr(e, "reason", e)}
print("node 1:", s.get("role"), s.get("state"))
sys.exit(0 if s.get("role") == "standby_leader" and s.get("state") == "running" else 1)
PY
    }
    poll "${2:?secs}" "$(node_name 1) did not come up as standby leader" is_leader
    echo "node 1 ($(node_name 1)) is the standby leader and running"
    ;;
cluster)
    formed() { members | "$PY" -c '
import json, sys
names = sys.argv[1:]
m = {x["Member"]: x for x in json.load(sys.stdin)}
print(" | ".join("%s %s %s" % (n.split(".")[0], m.get(n, {}).get("Role", "-"), m.get(n, {}).get("State", "absent")) for n in names))
ok = m.get(names[0], {}).get("Role") == "Standby Leader" and all(m.get(n, {}).get("State") == "streaming" for n in names[1:])
sys.exit(0 if ok else 1)' "$(node_name 1)" "$(node_name 2)" "$(node_name 3)"; }
    poll "${2:?secs}" "the cluster did not re-form (node 1 Standby Leader, nodes 2 and 3 streaming)" formed
    echo "cluster re-formed: node 1 Standby Leader, nodes 2 and 3 streaming"
    ;;
lag)
    caught_up() { members | "$PY" -c '
import json, sys
rows = [x for x in json.load(sys.stdin) if x.get("Role") == "Replica"]
lags = {x["Member"].split(".")[0]: (x.get("Receive Lag"), x.get("Replay Lag")) for x in rows}
print("replica lag (receive, replay) in MB:", lags)
sys.exit(0 if len(rows) == 2 and all(v == (0, 0) for v in lags.values()) else 1)'; }
    poll "${2:?secs}" "replica lag did not fall to 0" caught_up
    echo "replicas caught up (lag 0)"
    ;;
markers)
    q="select string_agg(id || ':' || note, ', ' order by id) from lab_marker"
    prod_rows() { "${SSH[@]}" prod-db-01 "gitlab-psql -Atc \"$q\""; }
    want=$(prod_rows) || fail "cannot read lab_marker on production"
    [[ $want == *"after the base backup"* ]] || fail "production has no rows written after the base backup: $want"
    echo "production lab_marker: $want"
    all_have() {
        local n got ok=0
        for n in "${NODES[@]}"; do
            got=$("${SSH[@]}" "$(node_name "$n")" "gitlab-psql -Atc \"$q\"" 2>&1) || got="(query failed: $got)"
            if [[ $got != "$want" ]]; then echo "  node $n has: $got" >&2; ok=1; fi
        done
        return $ok
    }
    poll "${2:?secs}" "not every node has production's lab_marker rows" all_have
    echo "all three nodes have production's lab_marker rows, including those written after the base backup"
    ;;
stopped)
    for n in "${NODES[@]}"; do
        if "${SSH[@]}" "$(node_name "$n")" 'test -e /var/opt/gitlab/postgresql/data/postmaster.pid'; then
            fail "PostgreSQL still runs (postmaster.pid) on $(node_name "$n")"
        fi
    done
    echo "PostgreSQL is stopped on all three nodes"
    ;;
write-production)
    ssh -F "$RUN/ssh_config" prod-db-01 'gitlab-psql -q -v ON_ERROR_STOP=1' <<'SQL'
insert into lab_marker (note) values ('written during the rehearsal');
select pg_switch_wal() \g /dev/null
SQL
    echo "production: wrote a lab_marker row and switched WAL (it reaches the nodes through the archive)"
    ;;
*)
    echo "usage: $0 latest-backup HOURS | standby-leader SECS | cluster SECS | lag SECS | markers SECS | stopped | write-production" >&2
    exit 2
    ;;
esac
