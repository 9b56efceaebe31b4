#!/usr/bin/env bash
# Fault: full disks. Called by Tests/faults/run; needs root (it mounts two small tmpfs). The
# hooks' spool on one: hooks still exit 0 and say, once each, that the event is lost. The
# SQLite store on another: the server answers 503 instead of failing or crashing, and takes
# writes again by itself once there is room, with every write it acknowledged there.
#
#   Tests/faults/disk-full.sh BIN_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/hpc-obs-fault-disk.XXXXXX)
port=$(free_port)
url="http://127.0.0.1:$port"
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    umount "$work/spool" "$work/store" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/spool" "$work/store"
mount -t tmpfs -o size=256k tmpfs "$work/spool"
mount -t tmpfs -o size=2m tmpfs "$work/store"

# --- The spool's disk is full --------------------------------------------------------------
dd if=/dev/zero of="$work/spool/filler" bs=4k 2>/dev/null || true
hook() { # job id; prints the exit status and how many lines it wrote to stderr
    local status=0
    env -i SLURM_SCRIPT_CONTEXT=prolog_slurmd SLURM_JOB_ID="$1" SLURM_JOB_USER=alice SLURMD_NODENAME=cn1 HPC_OBS_CONFIG=/dev/null \
        HPC_OBS_URL=http://127.0.0.1:1 HPC_OBS_SPOOL_DIR="$work/spool" "$bin/hpc-obs-prolog" 2>"$work/hook.err" || status=$?
    echo "exit $status, $(wc -l <"$work/hook.err") line"
}
check "with the spool's disk full, a hook exits 0 and says so in one line" "exit 0, 1 line" hook 1
check "  the line says the event is lost, and why" yes sh -c "grep -q 'lost.*No space left' '$work/hook.err' && echo yes"
rm "$work/spool/filler"
check "with room again, the next hook spools" "exit 0, 1 line" hook 2
check "  its event is in the spool" 1 sh -c "find '$work/spool' -name '*.json' | wc -l"

# --- The store's disk is full --------------------------------------------------------------
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
(API_TOKEN=$token HOST=127.0.0.1 PORT=$port DATABASE_URL="$work/store/jobs.db" SLURM_POLL_INTERVAL=0 \
    HPC_OBS_SPOOL_DIR="$work/server-spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "$url/v1/health" hpc-obs-server
python3 Tests/faults/ingest-client.py write "$url" "$token" "$work/journal" 1 20 2>>"$work/client.log"
full=$(python3 Tests/faults/ingest-client.py check "$url" "$token" "$work/journal")
echo "     20 s of writes into a 2 MB disk: $full"
value() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
check "once the store's disk is full, writes get 503" yes python3 -c "import sys; print('yes' if int(sys.argv[1]) > 0 else 'no 503 seen')" "$(value "$full" refused503)"
check "  never a 500 or another status" 0 value "$full" unexpectedStatuses
check "  the server is still up and answers reads" 200 curl -s -o /dev/null -w '%{http_code}' "$url/v1/jobs?limit=1"
check "  nothing it acknowledged is missing" 0 value "$full" lostCount
mount -o remount,size=64m "$work/store"
python3 Tests/faults/ingest-client.py write "$url" "$token" "$work/journal" 2 3 2>>"$work/client.log"
after=$(python3 Tests/faults/ingest-client.py check "$url" "$token" "$work/journal")
echo "     with room again: $after"
check "with room again, writes succeed without a restart" yes python3 -c "import sys; print('yes' if int(sys.argv[1]) > int(sys.argv[2]) else 'no new writes')" \
    "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['acknowledged']['jobs'])" "$after")" \
    "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['acknowledged']['jobs'])" "$full")"
check "  and every acknowledged write, before and after, is there" 0 value "$after" lostCount
check "the server never restarted" yes sh -c "kill -0 $server_pid && echo yes"

echo "disk-full.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
