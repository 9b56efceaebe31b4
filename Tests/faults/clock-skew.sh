#!/usr/bin/env bash
# Fault: a node whose clock runs 10 minutes ahead (libfaketime) runs a job's prolog; the
# controller, on time, runs its epilog a few seconds later; then the poller's view of
# slurmctld (sent here as the poller sends it) reports the job's real start. Called by
# Tests/faults/run. The job ends in the right state, its runtime is never negative, and once
# the scheduler's start is known its times are right (README: "Clocks").
#
#   Tests/faults/clock-skew.sh BIN_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/hpc-obs-fault-clock.XXXXXX)
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
(API_TOKEN=$token HOST=127.0.0.1 PORT=$port DATABASE_URL="$work/jobs.db" SLURM_POLL_INTERVAL=0 \
    HPC_OBS_SPOOL_DIR="$work/server-spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "$url/v1/health" hpc-obs-server
settings() { echo HPC_OBS_CONFIG=/dev/null HPC_OBS_URL="$url" HPC_OBS_TOKEN_FILE="$work/token" HPC_OBS_SPOOL_DIR="$work/spool"; }
job() { curl -fsS "$url/v1/jobs/900" | python3 -c "import json,sys; j=json.load(sys.stdin); print(j$1)"; }

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# shellcheck disable=SC2046
env -i SLURM_SCRIPT_CONTEXT=prolog_slurmd SLURM_JOB_ID=900 SLURM_JOB_USER=alice SLURMD_NODENAME=cn7 $(settings) \
    faketime -f +600s "$bin/hpc-obs-prolog"
check "the prolog of a node 10 minutes ahead starts the job" running job '["state"]'
check "  at the node's time, 10 minutes in the future" yes job '["startTime"] > "'"$(date -u -d '+500 seconds' +%Y-%m-%dT%H:%M:%SZ)"'" and "yes"'
sleep 2
# shellcheck disable=SC2046
env -i SLURM_SCRIPT_CONTEXT=epilog_slurmctld SLURM_JOB_ID=900 SLURM_JOB_USER=alice SLURM_JOB_NODELIST=cn7 \
    SLURM_JOB_EXIT_CODE2=0:0 $(settings) "$bin/hpc-obs-epilog"
check "the controller's epilog, on time, ends it: completed" completed job '["state"]'
check "  with a runtime of 0, never negative" 0 job '["runtimeSeconds"]'
check "  ending at the controller's time, not in the future" yes job '["endTime"] < "'"$(date -u -d '+60 seconds' +%Y-%m-%dT%H:%M:%SZ)"'" and "yes"'
# What the poller sends once it has read slurmctld's record of the job.
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$url/v1/events" -d "{
    \"eventId\": \"slurm-poll:900:ended:r0\", \"jobId\": \"900\", \"kind\": \"ended\", \"time\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",
    \"user\": \"alice\", \"finalState\": \"completed\", \"exitCode\": 0, \"startTime\": \"$started\"}"
check "the scheduler's record of the start corrects it" "${started%Z}.000Z" job '["startTime"]'
check "  and the runtime is the real one (about 2 s)" yes job '["runtimeSeconds"] >= 1 and j["runtimeSeconds"] <= 10 and "yes"'

echo "clock-skew.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
