#!/usr/bin/env bash
# Fault: clients that hold connections and send nothing, or trickle a request head. Called by
# Tests/faults/run. 2,000 such connections (loopback, closed by the test) while a client asks
# for /v1/health on a new connection each time: its answers stay fast (p99 <= 50 ms), and the
# server closes every held connection within HTTP_IDLE_TIMEOUT, trickle or not.
#
#   Tests/faults/slow-clients.sh BIN_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/hpc-obs-fault-slow.XXXXXX)
port=$(free_port)
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

idle=15
(HTTP_IDLE_TIMEOUT=$idle HTTP_BODY_TIMEOUT=$idle HOST=127.0.0.1 PORT=$port DATABASE_URL="$work/jobs.db" SLURM_POLL_INTERVAL=0 \
    HPC_OBS_SPOOL_DIR="$work/spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "http://127.0.0.1:$port/v1/health" hpc-obs-server

result=$(timeout 120 python3 Tests/faults/slow-clients.py "$port" "$idle")
echo "     $result"
value() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$result" "$1"; }
check "2,000 idle and trickling connections are held open at once" 2000 value held
check "a client's requests meanwhile all succeed" 0 value failures
check "  at least 200 of them" yes python3 -c "import sys; print('yes' if int(sys.argv[1]) >= 200 else sys.argv[1])" "$(value requests)"
check "  with p99 <= 50 ms" yes python3 -c "import sys; print('yes' if sys.argv[1] != 'None' and float(sys.argv[1]) <= 50 else sys.argv[1] + ' ms')" "$(value p99_ms)"
check "every held connection is closed by the server within HTTP_IDLE_TIMEOUT ($idle s), trickle or not" 0 value still_open_after_deadline
check "/metrics counts them" yes sh -c "curl -fsS http://127.0.0.1:$port/metrics | awk '/^hpc_obs_http_connections_timed_out_total / { print (\$2 >= 2000 ? \"yes\" : \$2) }'"
check "and the server still answers" 200 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/health"

echo "slow-clients.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
