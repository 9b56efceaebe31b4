#!/usr/bin/env bash
# Fault: a hook storm, a job starting on every node at once. Called by Tests/faults/run.
# COUNT (default 500) hook processes start within about a second against one server (SQLite,
# commits waiting for the disk): every one exits 0 within its deadline, and every event is
# recorded once, delivered or spooled and replayed. Prints the storm's wall time, the hooks'
# p99, and the server's request p99 and peak RSS.
#
#   Tests/faults/hook-storm.sh BIN_DIR [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
count=${2:-500}
work=$(mktemp -d /tmp/hpc-obs-fault-storm.XXXXXX)
port=$(free_port)
url="http://127.0.0.1:$port"
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$token" >"$work/token"
printf 'HPC_OBS_URL=%s\nHPC_OBS_TOKEN_FILE=%s\nHPC_OBS_SPOOL_DIR=%s\n' "$url" "$work/token" "$work/spool" >"$work/hpc-obs.conf"
(API_TOKEN=$token HOST=127.0.0.1 PORT=$port DATABASE_URL="$work/jobs.db" SLURM_POLL_INTERVAL=0 \
    HPC_OBS_SPOOL_DIR="$work/server-spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "$url/v1/health" hpc-obs-server

result=$(python3 Tests/faults/hook-storm.py "$bin/hpc-obs-prolog" "$work/hpc-obs.conf" "$count" 777)
spooled() { find "$work/spool" -name '*.json' 2>/dev/null | wc -l || true; }
spooled=$(spooled)
peak=$(awk '/^VmHWM/ { print $2 / 1024 " MB" }' "/proc/$server_pid/status")
echo "     $result; $spooled spooled; server peak RSS $peak"
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$result" "$1"; }
check "$count hooks started within about a second (2 s on 2 cores: they need about a core-second of CPU between them)" yes python3 -c "import sys; print('yes' if float(sys.argv[1]) <= 2.0 else sys.argv[1])" "$(field launchSeconds)"
check "every one exited 0" "{'0': $count}" field exitStatuses
check "  within its 2 s deadline (and a margin for the machine)" yes python3 -c "import sys; print('yes' if float(sys.argv[1]) <= 2.5 else sys.argv[1])" "$(field maxSeconds)"
# What waited in the spool goes with the next hooks' runs.
replays=0
for run in $(seq 1 20); do
    [ "$(spooled)" = 0 ] && break
    replays=$run
    env -i SLURM_SCRIPT_CONTEXT=prolog_slurmd SLURM_JOB_ID=778 SLURM_JOB_USER=alice SLURMD_NODENAME="late$run" \
        HPC_OBS_CONFIG="$work/hpc-obs.conf" "$bin/hpc-obs-prolog" 2>/dev/null
done
check "the spool is empty again" 0 spooled
check "the job has all $count nodes" "$count" sh -c "curl -fsS '$url/v1/jobs/777' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"nodes\"]))'"
applied() {
    curl -fsS "$url/metrics" | python3 -c '
import sys
applied = duplicate = 0
for line in sys.stdin:
    if line.startswith("hpc_obs_events_total{"):
        value = float(line.rsplit(" ", 1)[1])
        if "outcome=\"duplicate\"" in line:
            duplicate += value
        else:
            applied += value
print(int(applied))'
}
# 777's events and those of the replaying runs (778): each applied exactly once.
check "every event applied exactly once (duplicates only refused)" "$((count + replays))" applied
p99=$(curl -fsS "$url/metrics" | python3 -c '
import sys
buckets = []
for line in sys.stdin:
    if line.startswith("hpc_obs_http_request_duration_seconds_bucket{") and "/v1/events" in line and "method=\"POST\"" in line and "status=\"200\"" in line:
        bound = line.split("le=\"")[1].split("\"")[0]
        buckets.append((float("inf") if bound == "+Inf" else float(bound), float(line.rsplit(" ", 1)[1])))
buckets.sort()
total = buckets[-1][1] if buckets else 0
print(next((f"{bound * 1000:g} ms" for bound, count in buckets if count >= 0.99 * total), "?"), f"({int(total)} requests)")')
echo "     server: POST /v1/events p99 at most $p99 (histogram bucket)"

echo "hook-storm.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
