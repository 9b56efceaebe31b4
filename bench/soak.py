"""Design load against a running server for MINUTES, recording every minute the server's RSS,
its open descriptors and the p99 of sample ingest. Loopback only, bounded in time.

    soak.py BASE_URL TOKEN SERVER_PID PROLOG EPILOG SETTINGS_FILE MINUTES

The load (DESIGN.md, "Scale we design for"): 10,000 running jobs, a sample for each every 30 s
(about 333 requests/s), a scrape of /metrics every 15 s, and a hook every 100 ms (a new job's
prolog, then an old job's epilog, so that about 10,000 stay running).
"""
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse

base, token, server_pid, prolog, epilog, settings, minutes = sys.argv[1:8]
url = urllib.parse.urlparse(base)
headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
JOBS = 10_000
stop_at = time.monotonic() + float(minutes) * 60
latencies = []
latency_lock = threading.Lock()
errors = {"samples": 0, "scrapes": 0, "hooks": 0}


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def post(connection, path, body):
    connection.request("POST", path, json.dumps(body), headers)
    answer = connection.getresponse()
    answer.read()
    return answer.status


# 10,000 running jobs, created as the poller would: one batch of events at a time.
connection = connect()
for start in range(0, JOBS, 1_000):
    events = [{"eventId": f"soak-start-{job}", "jobId": f"soak-{job}", "kind": "started", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "user": f"user{job % 50}", "nodes": [f"cn{job % 2000:04d}"], "partition": "batch", "requestedCpus": 4} for job in range(start, start + 1_000)]
    if post(connection, "/v1/events", events) != 200:
        sys.exit("cannot create the running jobs")


def samples(worker, workers):
    connection = connect()
    jobs = list(range(worker, JOBS, workers))
    interval = 30.0 / len(jobs)
    next_at = time.monotonic()
    index = 0
    while time.monotonic() < stop_at:
        job = jobs[index % len(jobs)]
        index += 1
        started = time.perf_counter()
        try:
            status = post(connection, f"/v1/jobs/soak-{job}/metrics", {"cpuUsage": 100 + job % 300, "memoryUsageMb": 1024 + job % 4096, "node": f"cn{job % 2000:04d}"})
        except (OSError, http.client.HTTPException):
            connection = connect()
            status = 0
        with latency_lock:
            latencies.append(time.perf_counter() - started)
            if status != 201:
                errors["samples"] += 1
        next_at += interval
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)


def scrapes():
    while time.monotonic() < stop_at:
        try:
            connection = connect()
            connection.request("GET", "/metrics")
            answer = connection.getresponse()
            answer.read()
            if answer.status != 200:
                errors["scrapes"] += 1
        except (OSError, http.client.HTTPException):
            errors["scrapes"] += 1
        time.sleep(15)


def hooks():
    sequence = 0
    environment = {"HPC_OBS_CONFIG": settings, "SLURM_JOB_USER": "soak", "SLURM_JOB_UID": "1000", "SLURM_JOB_NODELIST": "cn0001"}
    while time.monotonic() < stop_at:
        sequence += 1
        if sequence % 2:
            program, context, job = prolog, "prolog_slurmctld", f"hook-{sequence}"
        else:
            program, context, job = epilog, "epilog_slurmctld", f"hook-{sequence - 1}"
        status = subprocess.run([program], env=dict(environment, SLURM_SCRIPT_CONTEXT=context, SLURM_JOB_ID=job, SLURM_JOB_EXIT_CODE2="0:0"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if status != 0:
            errors["hooks"] += 1
        time.sleep(0.1)


threads = [threading.Thread(target=samples, args=(worker, 4)) for worker in range(4)]
threads += [threading.Thread(target=scrapes), threading.Thread(target=hooks)]
for thread in threads:
    thread.start()

print("minute,rss_mb,open_fds,samples,p99_ms,sample_errors,scrape_errors,hook_errors", flush=True)
minute = 0
while time.monotonic() < stop_at:
    time.sleep(min(60, max(0, stop_at - time.monotonic())))
    minute += 1
    with latency_lock:
        window = sorted(latencies)
        latencies.clear()
    rss = next(int(line.split()[1]) for line in open(f"/proc/{server_pid}/status") if line.startswith("VmRSS")) / 1024
    fds = len(os.listdir(f"/proc/{server_pid}/fd"))
    p99 = window[int(len(window) * 0.99)] * 1000 if window else float("nan")
    print(f"{minute},{rss:.1f},{fds},{len(window)},{p99:.2f},{errors['samples']},{errors['scrapes']},{errors['hooks']}", flush=True)
for thread in threads:
    thread.join()
