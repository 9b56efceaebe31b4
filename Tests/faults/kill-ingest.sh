#!/usr/bin/env bash
# Fault: the server killed (SIGKILL) in the middle of ingest, ROUNDS times at random moments,
# on SQLite and on PostgreSQL. Called by Tests/faults/run. Four client threads write jobs,
# batches of samples and events as fast as the server answers and journal every write it
# acknowledged; after each kill the server restarts, and every acknowledged job, sample and
# event must be there, and every batch whole or absent.
#
#   Tests/faults/kill-ingest.sh BIN_DIR POSTGRES_URL [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
postgres_url=$2
rounds=${3:-20}
work=$(mktemp -d /tmp/hpc-obs-fault-kill.XXXXXX)
port=$(free_port)
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill -9 "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

start_server() { # DATABASE_TYPE DATABASE_URL
    (DATABASE_TYPE=$1 DATABASE_URL=$2 API_TOKEN=$token HOST=127.0.0.1 PORT=$port SLURM_POLL_INTERVAL=0 \
        HPC_OBS_SPOOL_DIR="$work/spool" exec "$bin/hpc-obs-server") >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_for_url "http://127.0.0.1:$port/v1/health" hpc-obs-server
}

for backend in sqlite postgres; do
    if [ "$backend" = sqlite ]; then url="$work/jobs.db"; else url=$postgres_url; fi
    if [ "$backend" = postgres ]; then
        # A schema of its own, so that earlier runs' rows do not count.
        schema="fault_kill_$$"
        psql "$postgres_url" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
        url="$postgres_url?options=-c%20search_path%3D$schema"
    fi
    journal="$work/$backend.journal"
    : >"$journal"
    start_server "$backend" "$url"
    for round in $(seq 1 "$rounds"); do
        python3 Tests/faults/ingest-client.py write "http://127.0.0.1:$port" "$token" "$journal" "$round" 2>>"$work/client.log" &
        client=$!
        sleep "$(python3 -c 'import random; print(round(random.uniform(0.3, 2.0), 2))')"
        kill -9 "$server_pid"
        wait "$server_pid" 2>/dev/null || true
        wait "$client" || true
        start_server "$backend" "$url"
    done
    result=$(python3 Tests/faults/ingest-client.py check "http://127.0.0.1:$port" "$token" "$journal")
    echo "     $backend: $result"
    field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$result" "$1"; }
    check "$backend, killed $rounds times mid-ingest: every acknowledged job, sample and event is there" 0 field lostCount
    check "$backend: no batch is half-written" 0 field partialCount
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
done

echo "kill-ingest.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
