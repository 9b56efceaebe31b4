#!/usr/bin/env bash
# Soak: MINUTES (default 30) at the design load on a release build, SQLite with commits waiting
# for the disk, and a line a minute of the server's RSS, open descriptors and sample p99. Flat
# is the pass mark: no growth of memory or descriptors past the first minutes' warm-up.
# Not in CI (it is long); bench/README-style figures go into the issue notes.
#
#   bench/soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
minutes=${1:-30}

packaging/install-build-deps
for product in hpc-obs-server hpc-obs-prolog hpc-obs-epilog; do swift build -c release --product "$product" >&2; done
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d /tmp/hpc-obs-soak.XXXXXX)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT
port=$(free_port)
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$token" >"$work/token"
printf 'HPC_OBS_URL=http://127.0.0.1:%s\nHPC_OBS_TOKEN_FILE=%s\nHPC_OBS_SPOOL_DIR=%s\n' "$port" "$work/token" "$work/spool" >"$work/hpc-obs.conf"
(API_TOKEN=$token HOST=127.0.0.1 PORT=$port DATABASE_URL="$work/jobs.db" SLURM_POLL_INTERVAL=0 LOG_LEVEL=warning \
    HPC_OBS_SPOOL_DIR="$work/server-spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "http://127.0.0.1:$port/v1/health" hpc-obs-server
echo "soak: $minutes minutes at design load (10,000 running jobs, 333 samples/s, a scrape every 15 s, a hook every 100 ms)" >&2
python3 bench/soak.py "http://127.0.0.1:$port" "$token" "$server_pid" "$bin/hpc-obs-prolog" "$bin/hpc-obs-epilog" "$work/hpc-obs.conf" "$minutes"
