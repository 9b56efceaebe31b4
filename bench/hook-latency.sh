#!/usr/bin/env bash
# Hook wall time and peak RSS (release build): hpc-obs-prolog with the service healthy, refusing
# connections and never answering, and hpc-obs-epilog as a PBS epilogue (its ten arguments,
# resources_used parsed), beside a shell hook that posts the same event with curl and beside
# /bin/true, all run the way slurmd or MoM runs them (clean environment), in the same run.
# Loopback only, bounded.
#
#   bench/hook-latency.sh [RUNS]   # per case; default 200 (20 for the never-answering service)
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
runs=${1:-200}

packaging/install-build-deps >&2
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
swift build -c release --product hpc-obs-server >&2
swift build -c release --product hpc-obs-prolog >&2
swift build -c release --product hpc-obs-epilog >&2
swift build -c release --product hpc-obs-hook >&2
bin=$PWD/.build/release

work=$(mktemp -d /tmp/hpc-obs-hook-bench.XXXXXX)
pids=()
cleanup() {
    stop_background "$work" "${pids[@]}"
    rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 \
    "$bin/hpc-obs-server" >"$work/server.log" 2>&1 &
pids+=($!)
wait_for_url "http://127.0.0.1:$port/v1/health" hpc-obs-server

refused=$(free_port)
silent=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1024); time.sleep(3600)' "$silent" &
pids+=($!)

# The shell hook a site might write instead: the same event, built from the same variables.
cat >"$work/curl-hook" <<'HOOK'
#!/bin/sh
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
exec /usr/bin/curl -fsS -m 2 -o /dev/null -X POST "$HPC_OBS_URL/v1/events" -H 'Content-Type: application/json' \
    -d "{\"eventId\":\"curl:$SLURM_JOB_ID:$SLURM_SCRIPT_CONTEXT:$SLURMD_NODENAME\",\"jobId\":\"$SLURM_JOB_ID\",\"kind\":\"started\",\"time\":\"$now\",\"user\":\"$SLURM_JOB_USER\",\"nodes\":[\"$SLURMD_NODENAME\"],\"partition\":\"$SLURM_JOB_PARTITION\"}"
HOOK
chmod 755 "$work/curl-hook"
: >"$work/hpc-obs.conf"

python3 - "$runs" "$work" "$bin" "$port" "$refused" "$silent" <<'PY'
import os, subprocess, sys, time

runs, work, bin_dir, port, refused, silent = int(sys.argv[1]), sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])

def run(argv, url, job, count):
    # A spool of its own per case: a hook that delivers replays whatever an earlier case spooled.
    spool = f"{work}/spool-{job}"
    times, peaks, failures = [], [], 0
    for index in range(count):
        # Peak RSS from GNU time on a tenth of the runs: a child's ru_maxrss as seen from
        # Python would include the Python process it was forked from.
        measure_rss = index % 10 == 0
        env = {
            "SLURM_SCRIPT_CONTEXT": "prolog_slurmd", "SLURM_JOB_ID": str(job + index), "SLURM_JOB_USER": "alice",
            "SLURM_JOB_UID": "1000", "SLURM_JOB_PARTITION": "debug", "SLURMD_NODENAME": "cn01",
            "SLURM_CLUSTER_NAME": "bench", "HPC_OBS_URL": url, "HPC_OBS_SPOOL_DIR": spool,
            "HPC_OBS_CONFIG": f"{work}/hpc-obs.conf",
        }
        arguments = [argument.replace("{job}", str(job + index)) for argument in argv]
        command = ["/usr/bin/time", "-f", "%M", "-o", f"{work}/rss"] + arguments if measure_rss else arguments
        start = time.perf_counter()
        status = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        elapsed = (time.perf_counter() - start) * 1000
        if measure_rss:
            peaks.append(int(open(f"{work}/rss").read().split()[-1]) / 1024)
        else:
            times.append(elapsed)
        failures += status != 0
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    spooled = len([n for n in os.listdir(spool) if n.endswith(".json")]) if os.path.isdir(spool) else 0
    return pick(0.5), pick(0.99), max(peaks), failures, spooled

cases = [
    ("/bin/true", ["/bin/true"], f"http://127.0.0.1:{port}", runs),
    ("curl shell hook", [f"{work}/curl-hook"], f"http://127.0.0.1:{port}", runs),
    ("hpc-obs-prolog, service healthy", [f"{bin_dir}/hpc-obs-prolog"], f"http://127.0.0.1:{port}", runs),
    ("hpc-obs-prolog, connection refused", [f"{bin_dir}/hpc-obs-prolog"], f"http://127.0.0.1:{refused}", runs),
    ("hpc-obs-prolog, service never answers", [f"{bin_dir}/hpc-obs-prolog"], f"http://127.0.0.1:{silent}", min(runs, 20)),
    ("hpc-obs-epilog, PBS epilogue, healthy", [
        f"{bin_dir}/hpc-obs-epilog", "{job}.pbs01", "alice", "users", "bench", "4711",
        "mem=4gb,ncpus=2,nodect=1,place=pack,select=1:ncpus=2:mem=4gb,walltime=01:00:00",
        "cpupercent=190,cput=00:09:30,mem=1048576kb,ncpus=2,vmem=2097152kb,walltime=00:05:00", "workq", "null", "0",
    ], f"http://127.0.0.1:{port}", runs),
]
results = {}
print(f"{'case':<40} {'runs':>5} {'p50_ms':>8} {'p99_ms':>8} {'peak_rss_MB':>12} {'exit≠0':>7} {'spooled':>8}")
for job, (name, argv, url, count) in enumerate(cases):
    results[name] = run(argv, url, 1_000_000 * (job + 1), count)
    p50, p99, peak, failures, spooled = results[name]
    print(f"{name:<40} {count:>5} {p50:>8.1f} {p99:>8.1f} {peak:>12.1f} {failures:>7} {spooled:>8}")
healthy, curl = results["hpc-obs-prolog, service healthy"], results["curl shell hook"]
print(f"healthy p50 / curl hook p50 = {healthy[0] / curl[0]:.2f}×")
print(f"PBS epilogue p50 / curl hook p50 = {results['hpc-obs-epilog, PBS epilogue, healthy'][0] / curl[0]:.2f}×")
unreachable = [results[name] for name in ("hpc-obs-prolog, connection refused", "hpc-obs-prolog, service never answers")]
print(f"spooled while the service was unreachable: {sum(r[4] for r in unreachable)} (expected {runs + min(runs, 20)})")
print("Targets: p50 ≤ 1.0× the curl hook and ≤ 20 ms; service down ≤ 2.1 s, exit 0; RSS ≤ 20 MB.")
PY
