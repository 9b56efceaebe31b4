#!/usr/bin/env bash
# One collection cycle of the node collector for 100 jobs of 10 processes each (release
# build): CPU time per cycle from a synthetic cgroup v2 tree, a synthetic /proc tree, and
# 1,000 real processes under the real /proc. Target: a 30 s interval costs ≤ 1 % of a core.
#
#   bench/collector-cycle.sh [JOBS] [PROCESSES_PER_JOB]   # default 100 10
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
jobs=${1:-100}
per_job=${2:-10}

packaging/install-build-deps >&2
swift build -c release --product hpc-obs-collectbench >&2
bin=$PWD/.build/release

work=$(mktemp -d /tmp/hpc-obs-collect-bench.XXXXXX)
sleepers=()
cleanup() {
    for pid in "${sleepers[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work" "$jobs" "$per_job" <<'PY'
import os, sys
work, jobs, per_job = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
scope = f"{work}/cgroup/system.slice/slurmstepd.scope"
mapping = []
for job in range(jobs):
    d = f"{scope}/job_{1000 + job}"
    os.makedirs(d)
    open(f"{d}/cpu.stat", "w").write(f"usage_usec {job * 1000000}\nuser_usec 0\nsystem_usec 0\n")
    open(f"{d}/memory.current", "w").write(f"{job << 20}\n")
    open(f"{d}/memory.stat", "w").write("anon 1\nfile 0\n")
    open(f"{d}/memory.peak", "w").write(f"{job << 21}\n")
    pids = []
    for p in range(per_job):
        pid = 100000 + job * per_job + p
        pids.append(str(pid))
        pd = f"{work}/proc/{pid}"
        os.makedirs(pd)
        open(f"{pd}/stat", "w").write(f"{pid} (worker) R 1 1 1 0 -1 0 0 0 0 0 {pid} 7 3 1 20 0 1 0 100 1000 100\n")
        open(f"{pd}/status", "w").write("Name:\tworker\nVmRSS:\t  9000 kB\nRssAnon:\t  6000 kB\nRssShmem:\t  100 kB\n")
    mapping.append(f"{1000 + job}=" + ",".join(pids))
open(f"{work}/synthetic-pids", "w").write(";".join(mapping))
PY

for _ in $(seq 1 "$((jobs * per_job))"); do
    sleep 600 &
    sleepers+=($!)
done
python3 - "$work" "$jobs" "$per_job" "${sleepers[@]}" <<'PY'
import sys
work, jobs, per_job, pids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
open(f"{work}/real-pids", "w").write(";".join(f"{2000 + j}=" + ",".join(pids[j * per_job:(j + 1) * per_job]) for j in range(jobs)))
PY

echo "$jobs jobs × $per_job processes, CPU time of one cycle (mean of 50):"
"$bin/hpc-obs-collectbench" --source cgroup-v2 --root "$work/cgroup"
"$bin/hpc-obs-collectbench" --source proc --root "$work/proc" --pids-file "$work/synthetic-pids"
"$bin/hpc-obs-collectbench" --source proc --root /proc --pids-file "$work/real-pids"
echo "Target: ≤ 1 % of one core at a 30 s interval (≤ 300 ms of CPU per cycle)."
