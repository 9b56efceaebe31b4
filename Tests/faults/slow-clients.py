"""Holds 2,000 connections to the server that send nothing or trickle a request head, while
a client asks /v1/health on a new connection each time. Loopback only; every socket it opens
it closes. Prints a JSON line of what it measured.

    slow-clients.py PORT IDLE_TIMEOUT_SECONDS
"""
import json
import resource
import socket
import sys
import time

port = int(sys.argv[1])
idle_timeout = float(sys.argv[2])
HOLD = 2_000

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8_192), hard))

held = []
opened_at = []
try:
    for index in range(HOLD):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        opened_at.append(time.monotonic())
        if index % 2:
            sock.sendall(b"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(sock)
    trickling = held[1::2]

    # Measure while every held connection is still open: until the first one's deadline.
    latencies = []
    failures = 0
    deadline = opened_at[0] + idle_timeout * 0.9
    next_trickle = 0.0
    while time.monotonic() < deadline:
        now = time.monotonic()
        if now >= next_trickle:
            for sock in trickling:
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    pass
            next_trickle = now + 0.5
        started = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
                client.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                answer = b""
                while True:
                    chunk = client.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            if not answer.startswith(b"HTTP/1.1 200"):
                failures += 1
            latencies.append(time.perf_counter() - started)
        except OSError:
            failures += 1
        time.sleep(0.005)

    # Every held connection must be closed by the server within its deadline (plus slack for
    # the scheduler and the accept queue): a trickle does not extend it.
    still_open = 0
    for sock, opened in zip(held, opened_at):
        sock.settimeout(max(0.01, opened + idle_timeout + 3 - time.monotonic()))
        try:
            while True:
                if not sock.recv(4096):
                    break
        except socket.timeout:
            still_open += 1
        except OSError:
            pass
    closed_after = time.monotonic() - opened_at[0]

    latencies.sort()
    def percentile(share):
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else None
    print(json.dumps({
        "held": HOLD, "requests": len(latencies), "failures": failures,
        "p50_ms": percentile(0.5), "p99_ms": percentile(0.99), "max_ms": latencies[-1] * 1000 if latencies else None,
        "still_open_after_deadline": still_open, "all_closed_after_s": round(closed_after, 2),
    }))
finally:
    for sock in held:
        sock.close()
