#!/usr/bin/env bash
# The packaged spool as its users share it, called by deb.sh with the package installed: the
# hooks write /var/spool/hpc-obs as root, the server replays it as hpc-obs, a member of its
# group. Checks that the server replays what root's hooks spooled (and is not stopped by
# files it may not read), and that nothing a group member plants steers a root hook: no file
# created, moved or read outside the spool, no planted event delivered, and a planted FIFO
# costs a hook no time. Needs root.
#
#   Tests/e2e/spool.sh SETTINGS_FILE
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

settings=$1
spool=/var/spool/hpc-obs
work=$(mktemp -d /tmp/hpc-obs-spool-e2e.XXXXXX)
chmod 755 "$work"
port=$(free_port)
url="http://127.0.0.1:$port"
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    find "$spool" -mindepth 1 -maxdepth 1 ! -name rejected -exec rm -rf {} + 2>/dev/null || true
    rm -f /var/lib/hpc-obs/spool-e2e.db*
    rm -rf "$work"
}
trap cleanup EXIT

sed -e "s|^HPC_OBS_URL=.*|HPC_OBS_URL=$url|" -e "s|^PORT=.*|PORT=$port|" \
    -e "s|^DATABASE_URL=.*|DATABASE_URL=/var/lib/hpc-obs/spool-e2e.db|" -e 's/^SLURM_POLL_INTERVAL=.*/SLURM_POLL_INTERVAL=0/' \
    "$settings" >"$work/hpc-obs.conf"

start_server() {
    (cd /var/lib/hpc-obs && set -a && . "$work/hpc-obs.conf" && set +a && exec runuser -u hpc-obs -- /usr/bin/hpc-obs-server) >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_for_url "$url/v1/health" "the installed hpc-obs-server (as hpc-obs)"
}
stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
# The installed prolog as slurmctld runs it: root, an empty environment.
prolog() { # job id
    env -i SLURM_SCRIPT_CONTEXT=prolog_slurmctld SLURM_JOB_ID="$1" SLURM_JOB_USER=alice SLURM_JOB_UID=1000 \
        SLURM_JOB_PARTITION=debug SLURM_JOB_NODELIST=cn01 HPC_OBS_CONFIG="$work/hpc-obs.conf" /usr/libexec/hpc-obs/hpc-obs-prolog
}
job_status() { curl -s -o /dev/null -w '%{http_code}' "$url/v1/jobs/$1"; }
metric() { curl -fsS "$url/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
event() { # event id, job id
    printf '{"eventId":"%s","jobId":"%s","kind":"started","time":"2026-11-29T08:00:00Z","user":"mallory"}' "$1" "$2"
}

check "rejected/ is root's, readable by the group and writable by root alone" "root hpc-obs 2750" stat -c '%U %G %a' "$spool/rejected"

# --- The server replays what root's hooks spooled -------------------------------------------
# 60 events as an older hook left them (root, mode 0600) sort first: more than a replay
# batch, which once filled every batch with files the server could not open.
for index in $(seq -w 1 60); do
    event "old-$index" "old-$index" >"$spool/000000000000000000$index-1-0.json"
    chmod 0600 "$spool/000000000000000000$index-1-0.json"
done
prolog 5001 # no server yet: spooled
spooled=$(find "$spool" -maxdepth 1 -name '*.json' -newer "$spool/00000000000000000060-1-0.json" | head -n 1)
check "a root hook's spooled event is root's, the spool's group's, and mode 0640" "root hpc-obs 640" stat -c '%U %G %a' "$spooled"
start_server
check "the server, as hpc-obs, replays it at start" 200 job_status 5001
check "and counts the 60 files it may not read" 60 metric hpc_obs_spool_unreadable_entries
check "none of which it delivered" 404 job_status old-01
find "$spool" -maxdepth 1 -name '000000000000000000[0-9][0-9]-1-0.json' -delete

# --- A group member plants what once steered root's hooks -----------------------------------
install -d -m 0755 "$work/outside"
event stolen stolen-1 >"$work/outside/root-only.json"
chmod 0600 "$work/outside/root-only.json"
outside_before=$(ls -la --time-style=+%s "$work/outside" | sort)
# The median of 21 runs of the prolog, in seconds.
hook_time() { # first job id
    local run start
    for run in $(seq 1 21); do
        start=$(date +%s%N)
        prolog "$(($1 + run))" 2>/dev/null
        echo $((($(date +%s%N) - start) / 1000))
    done | sort -n | sed -n 11p | awk '{ printf "%.4f\n", $1 / 1e6 }'
}
normal=$(hook_time 6000)

as_member() { runuser -u hpc-obs -- "$@"; }
rm -rf "$spool/rejected"
as_member ln -s "$work/outside" "$spool/rejected"
as_member ln -s "$work/outside/created-by-lock" "$spool/.replay.lock"
as_member ln -s "$work/outside/root-only.json" "$spool/00000000000000000001-1-0.json"
event forged forged-1 | as_member tee "$spool/00000000000000000002-1-0.json" >/dev/null
as_member mkfifo "$spool/00000000000000000003-1-0.json"
# An event the service refuses, as an older root hook could have left it: replaying it moves it
# aside, which a planted `rejected` link once turned into a move anywhere.
event refused 'bad job id' >"$spool/00000000000000000004-1-0.json"
chmod 0640 "$spool/00000000000000000004-1-0.json"
chgrp hpc-obs "$spool/00000000000000000004-1-0.json"

planted=$(hook_time 6100)
echo "     hook time, median of 21: ${normal} s normally, ${planted} s with the FIFO and links planted"
within_50ms() { python3 -c "import sys; print('yes' if float(sys.argv[2]) - float(sys.argv[1]) <= 0.05 else 'no: ' + sys.argv[1] + ' s vs ' + sys.argv[2] + ' s')" "$normal" "$planted"; }
check "a planted FIFO costs a hook less than 50 ms" yes within_50ms
check "hooks still deliver their own events" 200 job_status 6121
check "nothing was created through the lock link" no sh -c "[ -e '$work/outside/created-by-lock' ] && echo yes || echo no"
check "nothing outside the spool was moved, replaced or touched" "$outside_before" sh -c "ls -la --time-style=+%s '$work/outside' | sort"
check "the refused event was set aside inside the spool" yes sh -c "[ -f '$spool/.rejected-00000000000000000004-1-0.json' ] && echo yes"
check "a root-only file behind a link was not sent" 404 job_status stolen-1
check "a group member's forged event was not delivered" 404 job_status forged-1
check "the FIFO and the forgery are left where they are" "fifo regular file" \
    sh -c "stat -c %F '$spool/00000000000000000003-1-0.json' '$spool/00000000000000000002-1-0.json' | paste -sd ' '"
stop_server
start_server
check "the server passes over them too, and says so on /metrics" 3 metric hpc_obs_spool_unsafe_entries
check "and delivers none of them" "404 404" sh -c "echo \$(curl -s -o /dev/null -w '%{http_code}' $url/v1/jobs/stolen-1) \$(curl -s -o /dev/null -w '%{http_code}' $url/v1/jobs/forged-1)"
stop_server

echo "spool.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
