#!/usr/bin/env python3
"""Latency at a fixed request rate, which wrk (closed loop) cannot measure.

    fixed-rate.py URL BODY_FILE RATE SECONDS CONNECTIONS

Sends POST requests with the body on keep-alive connections, one every 1/RATE seconds
in all, for SECONDS, and prints p50/p99/max latency (measured from each request's
scheduled time, so a stalled server cannot hide its queue) as JSON.
"""
import asyncio, json, sys, time
from urllib.parse import urlsplit


async def worker(host, port, path, body, schedule, latencies, errors):
    reader, writer = await asyncio.open_connection(host, port)
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    for due in schedule:
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        writer.write(head + body)
        await writer.drain()
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - due)
        if not status_line.split(b" ")[1].startswith(b"2"):
            errors.append(status_line)
    writer.close()


async def main():
    url, body_file, rate, seconds, connections = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    parts = urlsplit(url)
    body = open(body_file, "rb").read()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    due = [start + i / rate for i in range(total)]
    latencies, errors = [], []
    await asyncio.gather(*[
        worker(parts.hostname, parts.port, parts.path, body, due[c::connections], latencies, errors)
        for c in range(connections)
    ])
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(json.dumps({"rate": rate, "requests": len(latencies), "errors": len(errors),
                      "p50_ms": round(pick(0.50), 2), "p99_ms": round(pick(0.99), 2), "max_ms": round(latencies[-1] * 1000, 2)}))


asyncio.run(main())
