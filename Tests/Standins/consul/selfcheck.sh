#!/usr/bin/env bash
# selfcheck.sh - checks the Consul stand-in (consul-server.py + consul CLI) against
# the formats read from hashicorp/consul's Go sources (see README.md).
# Needs: bash, python3, curl.  Exits non-zero on the first failed group summary.
# Usage: Tests/Standins/consul/selfcheck.sh [-v]
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER="$HERE/consul-server.py"
CLI="$HERE/consul"
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1

TOKEN="selfcheck-$$-d0n0tl0g"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/consul-standin-check.XXXXXX")"
SERVER_PID=""
FAILS=0
PASSES=0

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSES=$((PASSES + 1)); [ "$VERBOSE" = 1 ] && echo "ok   - $1"; return 0; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $1"; }

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" == "$3" ]; then
        pass "$1"
    else
        fail "$1"
        echo "       expected: $(printf '%q' "$2")"
        echo "       actual:   $(printf '%q' "$3")"
    fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
    case "$3" in
        *"$2"*) pass "$1" ;;
        *) fail "$1"; echo "       missing: $(printf '%q' "$2")"; echo "       in:      $(printf '%q' "$3")" ;;
    esac
}

header() {  # header NAME < response-with-headers
    tr -d '\r' | sed -n "s/^$1: //Ip" | head -n 1
}

# ---------------------------------------------------------------- start server
cat > "$WORK/data.json" <<'EOF'
{
  "service/pg-ha/leader": "patroni-01-db-dr.c.gitlab-dr.internal",
  "service/pg-ha/config": "{\"ttl\":30,\"loop_wait\":10}",
  "service/pg-ha/members/patroni-01-db-dr.c.gitlab-dr.internal": "{\"role\":\"master\"}",
  "service/pg-ha/members/patroni-02-db-dr.c.gitlab-dr.internal": "{\"role\":\"replica\"}"
}
EOF

python3 "$SERVER" --port 0 --token "$TOKEN" --log "$WORK/requests.log" --data "$WORK/data.json" \
    > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    grep -q '^listening on 127.0.0.1:[0-9]*$' "$WORK/server.out" 2>/dev/null && break
    sleep 0.1
done
PORT="$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/server.out")"
if [ -z "$PORT" ]; then
    echo "FAIL - server did not print 'listening on 127.0.0.1:PORT'"; cat "$WORK/server.err"; exit 1
fi
check "exactly one start-up line" "1" "$(wc -l < "$WORK/server.out" | tr -d ' ')"
BASE="http://127.0.0.1:$PORT"
AUTH="X-Consul-Token: $TOKEN"

# ---------------------------------------------------------------- HTTP API
# single key read: JSON array, field order, headers
R="$(curl -s -i -H "$AUTH" "$BASE/v1/kv/service/pg-ha/leader")"
BODY="$(printf '%s' "$R" | tr -d '\r' | sed '1,/^$/d')"
check "GET key status" "HTTP/1.1 200 OK" "$(printf '%s' "$R" | head -n 1 | tr -d '\r')"
check "GET key Content-Type" "application/json" "$(printf '%s' "$R" | header Content-Type)"
check "GET key X-Consul-Knownleader" "true" "$(printf '%s' "$R" | header X-Consul-Knownleader)"
check "GET key X-Consul-Lastcontact" "0" "$(printf '%s' "$R" | header X-Consul-Lastcontact)"
check_contains "GET key header spelling X-Consul-Knownleader" "X-Consul-Knownleader: true" "$R"
check "GET key body field order" \
    '[{"LockIndex":0,"Key":"service/pg-ha/leader","Flags":0,"Value":"cGF0cm9uaS0wMS1kYi1kci5jLmdpdGxhYi1kci5pbnRlcm5hbA==","CreateIndex":12,"ModifyIndex":12}]' \
    "$BODY"

# 404 on a missing key, empty body, index header present
R="$(curl -s -i -H "$AUTH" "$BASE/v1/kv/no/such/key")"
check "missing key status" "HTTP/1.1 404 Not Found" "$(printf '%s' "$R" | head -n 1 | tr -d '\r')"
check "missing key empty body" "" "$(printf '%s' "$R" | tr -d '\r' | sed '1,/^$/d')"
check "missing key Content-Length" "0" "$(printf '%s' "$R" | header Content-Length)"

# base64 round trip of binary data (NUL, 0xff, newline) through PUT / GET / ?raw
printf 'line1\nline2\000\377end' > "$WORK/value.bin"
check "PUT answers true" "true" "$(curl -s -X PUT -H "$AUTH" --data-binary @"$WORK/value.bin" "$BASE/v1/kv/check/binary")"
curl -s -H "$AUTH" "$BASE/v1/kv/check/binary" > "$WORK/binary.json"
check "base64 round trip (JSON Value)" "same" "$(python3 - "$WORK/binary.json" "$WORK/value.bin" <<'EOF'
import base64, json, sys
entry = json.load(open(sys.argv[1]))[0]
print("same" if base64.b64decode(entry["Value"]) == open(sys.argv[2], "rb").read() else "differs")
EOF
)"
curl -s -H "$AUTH" "$BASE/v1/kv/check/binary?raw" > "$WORK/raw.bin"
if cmp -s "$WORK/raw.bin" "$WORK/value.bin"; then pass "?raw returns the exact bytes"; else fail "?raw returns the exact bytes"; fi
check "?raw Content-Type" "text/plain" "$(curl -s -i -H "$AUTH" "$BASE/v1/kv/check/binary?raw" | header Content-Type)"

# empty value is JSON null
curl -s -X PUT -H "$AUTH" --data-binary '' "$BASE/v1/kv/check/empty" > /dev/null
check_contains "empty value is null" '"Key":"check/empty","Flags":0,"Value":null' "$(curl -s -H "$AUTH" "$BASE/v1/kv/check/empty")"

# X-Consul-Index rises on write
I1="$(curl -s -i -H "$AUTH" "$BASE/v1/kv/check/counter" | header X-Consul-Index)"
curl -s -X PUT -H "$AUTH" -d one "$BASE/v1/kv/check/counter" > /dev/null
I2="$(curl -s -i -H "$AUTH" "$BASE/v1/kv/check/counter" | header X-Consul-Index)"
curl -s -X PUT -H "$AUTH" -d two "$BASE/v1/kv/check/counter?flags=7" > /dev/null
I3="$(curl -s -i -H "$AUTH" "$BASE/v1/kv/check/counter" | header X-Consul-Index)"
if [ -n "$I1" ] && [ -n "$I2" ] && [ -n "$I3" ] && [ "$I1" -lt "$I2" ] && [ "$I2" -lt "$I3" ]; then
    pass "X-Consul-Index rises on write ($I1 < $I2 < $I3)"
else
    fail "X-Consul-Index rises on write ($I1, $I2, $I3)"
fi
check_contains "flags stored" '"Flags":7' "$(curl -s -H "$AUTH" "$BASE/v1/kv/check/counter")"

# check-and-set
check "cas=0 on existing key" "false" "$(curl -s -X PUT -H "$AUTH" -d x "$BASE/v1/kv/check/counter?cas=0")"
check "cas with stale index" "false" "$(curl -s -X PUT -H "$AUTH" -d x "$BASE/v1/kv/check/counter?cas=1")"
check "cas with current index" "true" "$(curl -s -X PUT -H "$AUTH" -d x "$BASE/v1/kv/check/counter?cas=$I3")"

# ?recurse (and ?recurse=true): sorted by key; 404 when nothing matches
KEYS="$(curl -s -H "$AUTH" "$BASE/v1/kv/service/pg-ha/?recurse" | python3 -c 'import json,sys; print(" ".join(e["Key"] for e in json.load(sys.stdin)))')"
check "?recurse lists the prefix sorted" \
    "service/pg-ha/config service/pg-ha/leader service/pg-ha/members/patroni-01-db-dr.c.gitlab-dr.internal service/pg-ha/members/patroni-02-db-dr.c.gitlab-dr.internal" "$KEYS"
check "?recurse=true same as ?recurse" \
    "$(curl -s -H "$AUTH" "$BASE/v1/kv/service/pg-ha/?recurse")" "$(curl -s -H "$AUTH" "$BASE/v1/kv/service/pg-ha/?recurse=true")"
check "?recurse with no match is 404" "404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$BASE/v1/kv/nothing/here?recurse")"

# ?keys and ?separator
check "?keys&separator=/" '["service/pg-ha/config","service/pg-ha/leader","service/pg-ha/members/"]' \
    "$(curl -s -H "$AUTH" "$BASE/v1/kv/service/pg-ha/?keys&separator=/")"

# DELETE
check "DELETE answers true" "true" "$(curl -s -X DELETE -H "$AUTH" "$BASE/v1/kv/check/empty")"
check "DELETE ?cas mismatch answers false" "false" "$(curl -s -X DELETE -H "$AUTH" "$BASE/v1/kv/check/counter?cas=1")"
check "DELETE ?recurse answers true" "true" "$(curl -s -X DELETE -H "$AUTH" "$BASE/v1/kv/check/?recurse")"
check "deleted prefix is gone" "404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$BASE/v1/kv/check/?recurse")"

# token enforcement (acl/errors.go texts)
check "wrong token: body" "ACL not found" "$(curl -s -H 'X-Consul-Token: wrong' "$BASE/v1/kv/service/pg-ha/leader")"
check "wrong token: status" "403" "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Consul-Token: wrong' "$BASE/v1/kv/service/pg-ha/leader")"
check "no token: read denied" \
    "Permission denied: anonymous token lacks permission 'key:read' on \"service/pg-ha/leader\". The anonymous token is used implicitly when a request does not specify a token." \
    "$(curl -s "$BASE/v1/kv/service/pg-ha/leader")"
check "no token: write denied status" "403" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -d x "$BASE/v1/kv/x")"
check "no token: recurse filtered to 404" "404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/kv/service/?recurse")"
check "Authorization: Bearer accepted" "200" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/v1/kv/service/pg-ha/leader")"
check "?token= accepted" "200" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/kv/service/pg-ha/leader?token=$TOKEN")"

# other endpoints
check "status/leader" '"127.0.0.1:8300"' "$(curl -s "$BASE/v1/status/leader")"
check "unknown /v1 path" "Invalid URL path: not a recognized HTTP API endpoint" "$(curl -s "$BASE/v1/nope")"
check "unknown /v1 path status" "404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/nope")"
check "bad method body" "method POST not allowed" "$(curl -s -X POST -H "$AUTH" "$BASE/v1/kv/x")"
check "bad method status" "405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$AUTH" "$BASE/v1/kv/x")"
check "bad method Allow header" "OPTIONS,GET,PUT,DELETE" "$(curl -s -i -X POST -H "$AUTH" "$BASE/v1/kv/x" | header Allow)"
check "members (token) count" "4" "$(curl -s -H "$AUTH" "$BASE/v1/agent/members" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "members (no token) filtered" "[]" "$(curl -s "$BASE/v1/agent/members")"

# blocking query: an index below the current one answers at once; a write wakes a waiter
IDX="$(curl -s -i -H "$AUTH" "$BASE/v1/kv/service/pg-ha/leader" | header X-Consul-Index)"
check "index below current answers at once" "200" \
    "$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "$AUTH" "$BASE/v1/kv/service/pg-ha/leader?index=$((IDX - 1))&wait=5s")"
( sleep 0.5; curl -s -X PUT -H "$AUTH" -d patroni-02-db-dr.c.gitlab-dr.internal "$BASE/v1/kv/service/pg-ha/leader" > /dev/null ) &
WOKE="$(curl -s -m 8 -H "$AUTH" "$BASE/v1/kv/service/pg-ha/leader?index=$IDX&wait=5s&raw")"
wait $!
check "blocking query woken by write" "patroni-02-db-dr.c.gitlab-dr.internal" "$WOKE"

# ---------------------------------------------------------------- CLI
export CONSUL_HTTP_ADDR="http://127.0.0.1:$PORT"
export CONSUL_HTTP_TOKEN="$TOKEN"
unset CONSUL_HTTP_TOKEN_FILE

run() {  # run CMD...  -> sets OUT, ERR, RC
    "$@" > "$WORK/out" 2> "$WORK/err"
    RC=$?
    OUT="$(cat "$WORK/out"; printf x)"; OUT="${OUT%x}"
    ERR="$(cat "$WORK/err"; printf x)"; ERR="${ERR%x}"
}

run "$CLI" kv put cli/value 'hello world'
check "kv put stdout" $'Success! Data written to: cli/value\n' "$OUT"
check "kv put rc" "0" "$RC"
run "$CLI" kv get cli/value
check "kv get prints value + newline" $'hello world\n' "$OUT"
run "$CLI" kv put cli/other 'x:y'
run "$CLI" kv get -recurse cli
check "kv get -recurse KEY:VALUE lines" $'cli/other:x:y\ncli/value:hello world\n' "$OUT"
run "$CLI" kv get -keys cli/
check "kv get -keys" $'cli/other\ncli/value\n' "$OUT"
run "$CLI" kv get -detailed cli/value
check_contains "kv get -detailed layout" $'Flags            0\nKey              cli/value\nLockIndex        0\n' "$OUT"
check_contains "kv get -detailed session" $'Session          -\nValue            hello world\n' "$OUT"
run "$CLI" kv get cli/missing
check "missing key stderr" $'Error! No key exists at: cli/missing\n' "$ERR"
check "missing key stdout empty" "" "$OUT"
check "missing key rc" "1" "$RC"
run "$CLI" kv delete cli/value
check "kv delete" $'Success! Deleted key: cli/value\n' "$OUT"
run "$CLI" kv delete -recurse cli
check "kv delete -recurse" $'Success! Deleted keys with prefix: cli\n' "$OUT"
run "$CLI" kv get -recurse cli
check "kv get -recurse on empty prefix prints nothing" "|0" "$OUT|$RC"
printf 'from-stdin' | run "$CLI" kv put cli/stdin -
run "$CLI" kv get cli/stdin
check "kv put - (stdin)" $'from-stdin\n' "$OUT"
run "$CLI" kv get -http-addr "127.0.0.1:$PORT" --token="$TOKEN" cli/stdin
check "-http-addr VALUE and --token=VALUE" $'from-stdin\n' "$OUT"
run "$CLI" kv get cli/stdin -recurse
check "flags after KEY are arguments (Go flag)" $'Too many arguments (expected 1, got 2)\n|1' "$ERR|$RC"

run "$CLI" members
check "members table" "Node                                   Address         Status  Type    Build   Protocol  DC   Partition  Segment
consul-01                              127.0.0.1:8301  alive   server  1.18.1  2         dc1  default    <all>
patroni-01-db-dr.c.gitlab-dr.internal  127.0.0.2:8301  alive   client  1.18.1  2         dc1  default    <default>
patroni-02-db-dr.c.gitlab-dr.internal  127.0.0.3:8301  alive   client  1.18.1  2         dc1  default    <default>
patroni-03-db-dr.c.gitlab-dr.internal  127.0.0.4:8301  alive   client  1.18.1  2         dc1  default    <default>
" "$OUT"
run "$CLI" members -status=failed
check "members with no match: rc 2, no output" "|2" "$OUT|$RC"

run env CONSUL_HTTP_TOKEN=wrong "$CLI" kv get service/pg-ha/leader
check "CLI wrong token" $'Error querying Consul agent: Unexpected response code: 403 (ACL not found)\n|1' "$ERR|$RC"
run env -u CONSUL_HTTP_TOKEN "$CLI" kv put x y
check_contains "CLI no token put" "Error! Failed writing data: Unexpected response code: 403 (Permission denied: anonymous token lacks permission 'key:write' on \"x\"." "$ERR"
run env CONSUL_HTTP_TOKEN=wrong "$CLI" members
check "CLI members wrong token" $'Error retrieving members: Unexpected response code: 403 (ACL not found)\n|1' "$ERR|$RC"
run env CONSUL_HTTP_ADDR=127.0.0.1:1 "$CLI" kv get foo
check "CLI connection refused" $'Error querying Consul agent: Get "http://127.0.0.1:1/v1/kv/foo": dial tcp 127.0.0.1:1: connect: connection refused\n|1' "$ERR|$RC"
run "$CLI" version
check_contains "consul version first line" $'Consul v' "$OUT"

# ---------------------------------------------------------------- request log
LOG="$(cat "$WORK/requests.log")"
if grep -qF -- "$TOKEN" "$WORK/requests.log"; then fail "log never contains the token"; else pass "log never contains the token"; fi
check_contains "log redacts ?token=" "GET /v1/kv/service/pg-ha/leader?token=REDACTED token_header=no" "$LOG"
check_contains "log shows CLI sent the token in a header" "GET /v1/kv/cli/stdin token_header=yes" "$LOG"
check_contains "log records anonymous requests" "GET /v1/agent/members token_header=no" "$LOG"

# ---------------------------------------------------------------- SIGTERM
kill -TERM "$SERVER_PID"
for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then
    fail "server exits on SIGTERM"
else
    wait "$SERVER_PID"; RC=$?
    check "server exit status after SIGTERM" "0" "$RC"
fi
SERVER_PID=""

echo "consul stand-in self-check: $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
