#!/usr/bin/env bash
# Fault: PostgreSQL taken away for 60 s under load, and a table lock held by another session.
# Called by Tests/faults/run. The server answers 503 quickly and /v1/health says so within
# seconds; hooks exit 0 and spool; when PostgreSQL is back the server recovers by itself, every
# acknowledged write is there and every spooled event arrives exactly once.
#
#   Tests/faults/postgres-outage.sh BIN_DIR [OUTAGE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
outage=${2:-60}
work=$(mktemp -d /tmp/hpc-obs-fault-pg.XXXXXX)
chmod 755 "$work"
port=$(free_port)
url="http://127.0.0.1:$port"
server_pid=""
load_pid=""
failures=0
checks=0
cleanup() {
    for pid in "$server_pid" "$load_pid"; do [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; done
    Tests/testbed/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

eval "$(Tests/testbed/postgres.sh start "$work/pg")"
database=$HPC_OBS_TEST_POSTGRES_URL
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$token" >"$work/token"
(DATABASE_TYPE=postgres DATABASE_URL=$database API_TOKEN=$token HOST=127.0.0.1 PORT=$port SLURM_POLL_INTERVAL=0 \
    HPC_OBS_SPOOL_DIR="$work/server-spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "$url/v1/health" hpc-obs-server

hook() { # job id; prints exit status and milliseconds
    local start status=0
    start=$(date +%s%N)
    env -i SLURM_SCRIPT_CONTEXT=prolog_slurmctld SLURM_JOB_ID="$1" SLURM_JOB_USER=alice SLURM_JOB_UID=1000 SLURM_JOB_NODELIST=cn01 \
        HPC_OBS_CONFIG=/dev/null HPC_OBS_URL="$url" HPC_OBS_TOKEN_FILE="$work/token" HPC_OBS_SPOOL_DIR="$work/spool" \
        "$bin/hpc-obs-prolog" 2>>"$work/hooks.log" || status=$?
    echo "$status $((($(date +%s%N) - start) / 1000000))"
}
timed() { # prints "status seconds" of a request
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 30 "$@"
}

python3 Tests/faults/ingest-client.py write "$url" "$token" "$work/journal" 1 2>>"$work/client.log" &
load_pid=$!
sleep 2

# A lock held by another session: requests that need the table fail within the store's
# timeouts instead of queueing behind it forever.
psql "$database" -qc "BEGIN; LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;" >/dev/null 2>&1 &
locker=$!
sleep 1
locked=$(timed -D "$work/locked-headers" -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"id": "under-lock", "user": "u"}' "$url/v1/jobs")
echo "     a write while another session holds the jobs table: $locked"
check "a write behind a held lock gets 503 within the statement timeout, not never" yes \
    python3 -c "import sys; s, t = sys.argv[1].split(); print('yes' if s == '503' and float(t) < 16 else sys.argv[1])" "$locked"
# The same answer's headers: a second request could outlast the lock and succeed.
check "  with Retry-After" yes sh -c "grep -qi '^retry-after: [0-9]' '$work/locked-headers' && echo yes"
wait "$locker" || true

Tests/testbed/postgres.sh stop "$work/pg"
down_at=$(date +%s)
sleep 1
health=$(timed "$url/v1/health")
echo "     /v1/health with PostgreSQL down: $health"
check "with PostgreSQL down, /v1/health says unavailable within seconds" yes \
    python3 -c "import sys; s, t = sys.argv[1].split(); print('yes' if s == '503' and float(t) < 6 else sys.argv[1])" "$health"
write=$(timed -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"id": "while-down", "user": "u"}' "$url/v1/jobs")
check "  and a write gets 503 quickly" yes \
    python3 -c "import sys; s, t = sys.argv[1].split(); print('yes' if s == '503' and float(t) < 6 else sys.argv[1])" "$write"
hooks=0
slow=0
nonzero=0
while [ $(($(date +%s) - down_at)) -lt "$outage" ]; do
    hooks=$((hooks + 1))
    read -r status milliseconds < <(hook "9$hooks")
    [ "$status" = 0 ] || nonzero=$((nonzero + 1))
    [ "$milliseconds" -le 2500 ] || slow=$((slow + 1))
    sleep 0.5
done
echo "     $hooks hooks ran during the ${outage} s outage"
check "every hook during the outage exited 0" 0 echo "$nonzero"
check "  within its deadline" 0 echo "$slow"
check "  and spooled its event" "$hooks" sh -c "find '$work/spool' -name '*.json' | wc -l"

Tests/testbed/postgres.sh start "$work/pg" >/dev/null
for _ in $(seq 1 150); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/health")" = 200 ] && break; sleep 0.2; done
check "when PostgreSQL is back the server recovers by itself" 200 curl -s -o /dev/null -w '%{http_code}' "$url/v1/health"
kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
load_pid=""
# Hooks replay what waits in the spool after their own event, a few seconds' worth a run.
for run in $(seq 1 20); do
    hook "8$run" >/dev/null
    [ "$(find "$work/spool" -name '*.json' | wc -l)" = 0 ] && break
done
check "hooks after the outage replay the spool until it is empty" 0 sh -c "find '$work/spool' -name '*.json' | wc -l"
recorded() {
    local missing=0 job
    for job in $(seq 1 "$hooks"); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/jobs/9$job")" = 200 ] || missing=$((missing + 1))
    done
    echo "$missing"
}
check "every job whose hook ran during the outage is recorded" 0 recorded
check "  once each: replays changed nothing twice" yes sh -c "curl -fsS '$url/v1/jobs?limit=1000' | python3 -c '
import json, sys
ids = [job[\"id\"] for job in json.load(sys.stdin)[\"jobs\"]]
print(\"yes\" if len(ids) == len(set(ids)) else ids)'"
result=$(python3 Tests/faults/ingest-client.py check "$url" "$token" "$work/journal")
echo "     ingest under the lock and the outage: $result"
check "every write acknowledged before, during and after the outage is there" 0 \
    python3 -c "import json,sys; print(json.loads(sys.argv[1])['lostCount'])" "$result"
check "  the writers kept writing through it (and were refused with 503 meanwhile)" yes \
    python3 -c "import json,sys; r = json.loads(sys.argv[1]); print('yes' if r['refused503'] > 0 and r['unexpectedStatuses'] == 0 else r)" "$result"

echo "postgres-outage.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
