#!/usr/bin/env bash
# The pages (release build, SQLite): their weight (HTML, CSS and our JavaScript, without the
# chart library), and the time until a job page's charts are drawn in headless Chromium
# (performance.now() at the charts' first draw, from the navigation's start), for a job with
# 100,000 samples beside the same page for a job with 1,000 samples, in the same run.
# Loopback only, bounded.
#
#   bench/web.sh [LOADS]   # page loads per job; default 10
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
. bench/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
loads=${1:-10}

packaging/install-build-deps --test
swift build -c release --product hpc-obs-server >&2
bin=$PWD/.build/release

bench_scratch web-bench

port=$(free_port)
DATABASE_TYPE=sqlite DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 \
    SQLITE_SYNCHRONOUS=normal HPC_OBS_SPOOL_DIR="$work/spool" "$bin/hpc-obs-server" >"$work/server.log" 2>&1 &
pids+=("$!")
base="http://127.0.0.1:$port"
wait_for_url "$base/v1/health" hpc-obs-server

.build-tools/venv/bin/python - "$base" "$loads" <<'PY'
import datetime, json, statistics, sys, urllib.request
from selenium import webdriver

base, loads = sys.argv[1], int(sys.argv[2])
start = 1_790_000_000

def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()

def stamp(seconds):
    return f"{datetime.datetime.fromtimestamp(seconds, datetime.UTC):%Y-%m-%dT%H:%M:%SZ}"

def make_job(job, samples):
    post("/v1/jobs", {"id": job, "user": "bench", "state": "running", "nodes": ["gpu01"], "requestedCpus": 64,
                      "requestedMemoryMb": 262144, "requestedGpus": 4, "submitTime": stamp(start - 60), "startTime": stamp(start)})
    # 5,000 samples a request: under the server's 1 MiB body limit.
    for first in range(0, samples, 5_000):
        post(f"/v1/jobs/{job}/metrics", [
            {"timestamp": stamp(start + i), "cpuUsage": (i * 37) % 6400, "memoryUsageMb": 1024 + i % 4096, "gpuUsage": i % 100, "node": "gpu01"}
            for i in range(first, min(samples, first + 5_000))
        ])
    urllib.request.urlopen(urllib.request.Request(base + f"/v1/jobs/{job}", data=json.dumps({"state": "completed", "endTime": stamp(start + samples)}).encode(),
                                                  headers={"Content-Type": "application/json"}, method="PATCH"), timeout=10).read()

make_job("bench-100k", 100_000)
make_job("bench-1k", 1_000)

weight = 0
for path in ("/jobs/bench-100k", "/ui/app.js", "/ui/app.css"):
    weight += len(urllib.request.urlopen(base + path, timeout=10).read())
library = len(urllib.request.urlopen(base + "/javascript/dygraphs/dygraph.min.js", timeout=10).read())
print(f"page weight: {weight:,} bytes (HTML, CSS, our JavaScript; target ≤ 100 KB); chart library {library:,} bytes besides")

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800"):
    options.add_argument(argument)
driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
try:
    print(f"{'job':<12} {'samples':>8} {'points':>7} {'p50_ms':>7} {'max_ms':>7}")
    for job, samples in (("bench-1k", 1_000), ("bench-100k", 100_000)):
        times = []
        for _ in range(loads + 1):
            driver.get(f"{base}/jobs/{job}")
            driver.implicitly_wait(0)
            for _ in range(200):
                drawn = driver.execute_script("return window.hpcObs && window.hpcObs.chartsDrawnAt")
                if drawn is not None:
                    break
                driver.execute_script("return new Promise((resolve) => setTimeout(resolve, 25))")
            times.append(drawn)
        points = driver.execute_script("return window.hpcObs.metricsCount")
        times = times[1:]  # the first load warms the browser's cache and the database's pages
        print(f"{job:<12} {samples:>8,} {points:>7,} {statistics.median(times):>7.0f} {max(times):>7.0f}")
finally:
    driver.quit()
print("Target: the 100,000-sample job's charts drawn in ≤ 1 s.")
PY
