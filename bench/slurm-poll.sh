#!/usr/bin/env bash
# Poll cycles with 10,000 jobs in the queue (release build), beside `squeue -h -o '%i %T'` on
# the same queue, on the one-node testbed cluster: the first cycle that records every job, a
# forced full cycle with nothing to write, and an unchanged cycle (SLURM_NO_CHANGE_IN_DATA).
#
#   bench/slurm-poll.sh [JOBS]   # default 10000; submitting them takes about 40 s
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
jobs=${1:-10000}

packaging/install-build-deps --test >&2
swift build -c release --product hpc-obs-storebench >&2
bin=$PWD/.build/release

work=$(mktemp -d /tmp/hpc-obs-poll-bench.XXXXXX)
# munged runs as the munge user and must reach its socket under this directory.
chmod 755 "$work"
cleanup() {
    Tests/testbed/slurm.sh stop "$work/cluster" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
cluster_env=$(Tests/testbed/slurm.sh start "$work/cluster" --max-jobs $((jobs + 1000)))
eval "$cluster_env"

echo "submitting $jobs held jobs…" >&2
seq 1 "$jobs" | xargs -P 8 -n 50 sh -c 'for _ in "$@"; do sbatch --hold -o /dev/null --wrap true >/dev/null; done' _
queued=$(squeue -h -o '%i' | wc -l)

squeue_ms=$(python3 - <<'PY'
import subprocess, time
runs = []
for _ in range(10):
    start = time.perf_counter()
    subprocess.run(["squeue", "-h", "-o", "%i %T"], stdout=subprocess.DEVNULL, check=True)
    runs.append((time.perf_counter() - start) * 1000)
print(sorted(runs)[5])
PY
)
result=$(DATABASE_URL="$work/jobs.db" "$bin/hpc-obs-storebench" poll --repeats 10)
python3 - "$queued" "$squeue_ms" "$result" <<'PY'
import json, sys
queued, squeue = int(sys.argv[1]), float(sys.argv[2])
r = json.loads(sys.argv[3])
print(f"jobs in the queue: {queued}; recorded: {r['jobsRecorded']}")
print(f"{'':<44} {'ms':>8} {'× squeue':>9}")
print(f"{'squeue -h -o %i %T (median of 10)':<44} {squeue:>8.1f} {1:>8.2f}×")
print(f"{'first cycle, records every job':<44} {r['firstCycleMs']:>8.1f} {r['firstCycleMs'] / squeue:>8.2f}×")
print(f"{'forced full cycle, nothing to write':<44} {r['fullCycleMs']:>8.1f} {r['fullCycleMs'] / squeue:>8.2f}×")
print(f"{'unchanged cycle (no change in data)':<44} {r['unchangedCycleMs']:>8.1f}")
print("Targets: full cycle with nothing to write ≤ 0.8× squeue; first cycle ≤ 3× squeue; unchanged cycle ≤ 5 ms.")
PY
