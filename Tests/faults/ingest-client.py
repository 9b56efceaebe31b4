"""Writes to the server as fast as it answers, from several threads, and records every write
the server acknowledged (2xx) in a journal; or checks a journal against the server.

    ingest-client.py write BASE_URL TOKEN JOURNAL ROUND [SECONDS]
                                                            runs until the server goes away
                                                            (or SECONDS have passed)
    ingest-client.py check BASE_URL TOKEN JOURNAL           every acknowledged write is there,
                                                            every batch whole or absent

Writes: jobs (POST /v1/jobs), batches of 20 samples (POST /v1/jobs/{id}/metrics), events
(POST /v1/events). A batch whose answer never came may be stored or not, but whole: its
samples carry one timestamp second, so the check counts them.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

mode, base, token, journal_path = sys.argv[1:5]
url = urllib.parse.urlparse(base)
headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
BATCH = 20
EPOCH = (int(time.time()) // 86_400 - 3) * 86_400


def connect():
    # Longer than the server's longest wait (a pool wait of 5 s, then a statement timeout of
    # 10 s): a write held up by a lock gets its 503 instead of ending this writer.
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def request(connection, method, path, body=None):
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    answer = connection.getresponse()
    return answer.status, answer.read()


def write(round_number):
    journal = open(journal_path, "a", buffering=1)
    lock = threading.Lock()
    anchor = f"anchor-{round_number}"
    connection = connect()
    status, _ = request(connection, "POST", "/v1/jobs", {"id": anchor, "user": "fault", "state": "running", "requestedCpus": 64})
    if status // 100 != 2:
        sys.exit(f"cannot create {anchor}: {status}")
    with lock:
        journal.write(json.dumps({"job": anchor}) + "\n")

    def worker(thread):
        connection = connect()
        sequence = 0
        while time.monotonic() < stop_at:
            sequence += 1
            kind = sequence % 3
            try:
                if kind == 0:
                    job = f"j{round_number}-{thread}-{sequence}"
                    status, _ = request(connection, "POST", "/v1/jobs", {"id": job, "user": "fault"})
                    record = {"job": job}
                elif kind == 1:
                    # One second of its own per batch, 10,000 s per thread per round, from three
                    # days ago: recent enough that retention (7 days) keeps them.
                    second = EPOCH + round_number * 100_000 + thread * 10_000 + sequence
                    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
                    samples = [{"timestamp": f"{stamp}.{index:03d}Z", "cpuUsage": 1, "memoryUsageMb": 1} for index in range(BATCH)]
                    with lock:
                        journal.write(json.dumps({"sent": stamp, "job": anchor}) + "\n")
                    status, _ = request(connection, "POST", f"/v1/jobs/{anchor}/metrics", samples)
                    record = {"batch": stamp, "job": anchor}
                else:
                    event = f"e{round_number}-{thread}-{sequence}"
                    status, _ = request(connection, "POST", "/v1/events", {
                        "eventId": event, "jobId": f"ev{round_number}-{thread}-{sequence}", "kind": "started",
                        "time": "2026-11-29T08:00:00Z", "user": "fault",
                    })
                    record = {"event": event}
            except (OSError, http.client.HTTPException):
                return
            if status // 100 == 2:
                with lock:
                    journal.write(json.dumps(record) + "\n")
            elif status == 503:
                with lock:
                    journal.write(json.dumps({"refused": 503}) + "\n")
            else:
                with lock:
                    journal.write(json.dumps({"unexpected": status, "record": record}) + "\n")
                return

    threads = [threading.Thread(target=worker, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def check():
    acknowledged = {"job": set(), "batch": {}, "event": set()}
    sent = {}
    refused = unexpected = 0
    for line in open(journal_path):
        entry = json.loads(line)
        if "refused" in entry:
            refused += 1
        elif "unexpected" in entry:
            unexpected += 1
        elif "sent" in entry:
            sent[entry["sent"]] = entry["job"]
        elif "batch" in entry:
            acknowledged["batch"][entry["batch"]] = entry["job"]
        elif "event" in entry:
            acknowledged["event"].add(entry["event"])
        else:
            acknowledged["job"].add(entry["job"])
    connection = connect()
    lost = []
    for job in acknowledged["job"]:
        status, _ = request(connection, "GET", f"/v1/jobs/{urllib.parse.quote(job)}")
        if status != 200:
            lost.append(f"job {job}: {status}")
    # Samples per batch second, for each anchor job.
    counts = {}
    for job in set(sent.values()):
        # Page through oldest first: a page's last time starts the next (times are unique).
        seen = set()
        start = None
        while True:
            query = "limit=10000" + (f"&from={urllib.parse.quote(start)}" if start else "")
            status, body = request(connection, "GET", f"/v1/jobs/{job}/metrics?{query}")
            samples = json.loads(body).get("samples", [])
            for sample in samples:
                if sample["timestamp"] in seen:
                    continue
                seen.add(sample["timestamp"])
                key = sample["timestamp"][:19]
                counts[key] = counts.get(key, 0) + 1
            if len(samples) < 10000:
                break
            start = samples[-1]["timestamp"]
    for stamp in acknowledged["batch"]:
        if counts.get(stamp, 0) != BATCH:
            lost.append(f"batch {stamp}: {counts.get(stamp, 0)} of {BATCH} samples")
    partial = [f"batch {stamp}: {counts[stamp]} of {BATCH}" for stamp in sent if counts.get(stamp, 0) not in (0, BATCH)]
    for event in acknowledged["event"]:
        status, body = request(connection, "POST", "/v1/events", {
            "eventId": event, "jobId": "ev-check", "kind": "started", "time": "2026-11-29T08:00:00Z", "user": "fault",
        })
        if status != 200 or json.loads(body)["results"][0]["outcome"] != "duplicate":
            lost.append(f"event {event}: {status} {body[:80]!r}")
    print(json.dumps({
        "acknowledged": {"jobs": len(acknowledged["job"]), "batches": len(acknowledged["batch"]), "samples": len(acknowledged["batch"]) * BATCH,
                         "events": len(acknowledged["event"])},
        "refused503": refused, "unexpectedStatuses": unexpected,
        "lost": lost[:10], "lostCount": len(lost), "partialBatches": partial[:10], "partialCount": len(partial),
    }))


if mode == "write":
    stop_at = time.monotonic() + (float(sys.argv[6]) if len(sys.argv) > 6 else float("inf"))
    write(int(sys.argv[5]))
else:
    check()
