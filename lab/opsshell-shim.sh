#!/usr/bin/env bash
# lab/opsshell-shim.sh: a stand-in for `opsshell run`, only for trying the
# rehearsal without the Swift shell:
#     OPSSHELL=lab/opsshell-shim.sh make -f lab/lab.mk lab-test
# The make target itself runs the real $OPSSHELL. This shim does what
# Tests/lab/rehearsal.ops needs from the shell, and nothing more:
#   opsshell run [--yes] [--inventory FILE] FILE
#   - blank lines and `#` comments are skipped;
#   - `set NAME VALUE`; `$NAME` and `${NAME}` expand (an unset NAME is an
#     error); `\$`, `$1`, `$?`, `$(cmd)` and `${x:-y}` are left to the shell;
#     `$(date +%F)` becomes the session's pinned date;
#   - `knife ssh roles:ROLE 'CMD'` runs CMD on every inventory host with ROLE,
#     each output line prefixed with the host; the exit status is the worst one;
#   - `ssh HOST 'CMD'` runs CMD on HOST; `ssh HOST` makes HOST the target of
#     the lines that follow, `sudo su` / `sudo su - USER` switch the user there,
#     and `exit` undoes the last switch;
#   - any other line runs as `/bin/sh -c LINE` (on the target, if any); stdin
#     is /dev/null;
#   - the first line that fails stops the run with its exit status.
# Hosts are reached with the inventory's ssh_config (`ssh -F`).
set -euo pipefail

usage() { echo "usage: $0 run [--yes] [--inventory FILE] FILE" >&2; exit 2; }
[[ ${1:-} == run ]] || usage
shift
inventory=${OPSSHELL_INVENTORY:-}
while [[ $# -gt 1 ]]; do
    case $1 in
        --yes) shift ;;
        --inventory) inventory=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ $# -eq 1 ]] || usage
file=$1

# "ROLE HOST" lines and the ssh_config, from the inventory (TOML).
export SHIM_SSH_CONFIG= SHIM_ROLES=
if [[ -n $inventory ]]; then
    SHIM_SSH_CONFIG=$(/usr/bin/python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb")).get("ssh_config", ""))' "$inventory")
    SHIM_ROLES=$(/usr/bin/python3 -c '
import sys, tomllib
for name, h in tomllib.load(open(sys.argv[1], "rb")).get("hosts", {}).items():
    for role in h.get("roles", []):
        print(role, name)' "$inventory")
fi

# What `ssh` and `knife` mean on a line (run by bash, so quoting is the shell's).
prelude='
ssh() { command ssh ${SHIM_SSH_CONFIG:+-F "$SHIM_SSH_CONFIG"} -o BatchMode=yes "$@"; }
knife() {
    [[ $1 == ssh && $2 == roles:* && $# -eq 3 ]] || { echo "shim: only knife ssh roles:ROLE CMD" >&2; return 2; }
    local role=${2#roles:} hosts h worst=0 rc
    hosts=$(awk -v r="$role" "\$1 == r {print \$2}" <<<"$SHIM_ROLES")
    [[ -n $hosts ]] || { echo "No nodes returned from search" >&2; return 10; }
    for h in $hosts; do
        ssh -n "$h" "$3" 2>&1 | sed "s/^/$h /"
        rc=${PIPESTATUS[0]}
        ((rc > worst)) && worst=$rc
    done
    return $worst
}'

pinned=$(date +%F)
declare -A vars=()
targets=()   # "HOST USER" entries; the last one is where lines run
n=0
name_re='[A-Za-z_][A-Za-z0-9_]*'
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }   # single-quote for a shell

while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line || $line == \#* ]] && continue
    if [[ $line =~ ^set[[:space:]]+($name_re)[[:space:]]+(.*)$ ]]; then
        vars[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
        echo "ops:$n> $line"
        continue
    fi
    cmd=${line//'$(date +%F)'/$pinned}
    cmd=${cmd//'\$'/$'\001'}
    rest=$cmd out=
    while [[ $rest =~ \$(\{($name_re)\}|($name_re))(.*)$ ]]; do
        var=${BASH_REMATCH[2]:-${BASH_REMATCH[3]}}
        tail=${BASH_REMATCH[4]}
        [[ -v vars[$var] ]] || { echo "ops:$n: unset variable \$$var" >&2; exit 1; }
        out+=${rest%"${BASH_REMATCH[0]}"}${vars[$var]}
        rest=$tail
    done
    cmd=$out$rest
    cmd=${cmd//$'\001'/'\$'}
    where=local
    ((${#targets[@]})) && where=${targets[-1]}
    echo "ops:$n [${where/ /@}]> $cmd"

    # Target switches.
    if [[ $cmd =~ ^ssh[[:space:]]+([A-Za-z0-9][A-Za-z0-9._-]*)[[:space:]]*$ ]]; then
        targets+=("${BASH_REMATCH[1]} root"); continue
    fi
    if ((${#targets[@]})); then
        host=${targets[-1]% *} user=${targets[-1]#* }
        if [[ $cmd =~ ^sudo[[:space:]]+su[[:space:]]*$ ]]; then targets+=("$host root"); continue; fi
        if [[ $cmd =~ ^sudo[[:space:]]+su[[:space:]]+-[[:space:]]+([a-z_][a-z0-9_-]*)$ ]]; then targets+=("$host ${BASH_REMATCH[1]}"); continue; fi
        if [[ $cmd == exit ]]; then unset 'targets[-1]'; continue; fi
        remote=$cmd
        [[ $user != root ]] && remote="sudo su - $user -c $(sq "$cmd")"   # a login, as `su -` is
        rc=0
        bash -c "$prelude"$'\n'"ssh -n $(sq "$host") $(sq "$remote")" </dev/null || rc=$?
    elif [[ $cmd == exit ]]; then
        break
    elif [[ $cmd =~ ^(ssh|knife)[[:space:]] ]]; then
        rc=0
        bash -c "$prelude"$'\n'"$cmd" </dev/null || rc=$?
    else
        rc=0
        /bin/sh -c "$cmd" </dev/null || rc=$?
    fi
    if ((rc)); then echo "ops:$n: failed with exit status $rc" >&2; exit "$rc"; fi
done <"$file"
