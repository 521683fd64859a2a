"""Soak: the example app under uvicorn, driven by a bounded mix of clients for a fixed time.

Reports requests served, errors (any answer the mix didn't expect), and the server's RSS at
start and end, so a leak shows as growth. Only 127.0.0.1 is used, and every loop stops at the
deadline.

    python -m bench.soak [--seconds 60] [--clients 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from collections import Counter
from pathlib import Path

from bench.e2e import HOST, serve

BOUNDARY = "soakboundary"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")  # pragma: no cover


def upload_body(size: int) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="soak.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + random.randbytes(size) + f"\r\n--{BOUNDARY}--\r\n".encode()


def one_http(connection: http.client.HTTPConnection) -> tuple[str, bool]:
    """One request of the mix; (kind, as expected)."""
    kind = random.choice(("hello", "item", "missing", "upload", "static", "graphql"))
    headers: dict[str, str] = {}
    body: bytes | None = None
    method, path, expected = "GET", "/", 200
    if kind == "hello":
        path = f"/api/hello/soak{random.randint(0, 999)}"
    elif kind == "item":
        path = "/api/items/1"
    elif kind == "missing":
        path, expected = "/api/items/999", 404
    elif kind == "upload":
        method, path, body = "POST", "/upload", upload_body(random.randint(1, 200_000))
        headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
    elif kind == "static":
        path = "/static/index.html"
    else:
        method, path = "POST", "/graphql"
        body = json.dumps({"query": "{ hello }"}).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return kind, response.status == expected


def http_client(port: int, deadline: float, counts: Counter[str], errors: Counter[str]) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    while time.monotonic() < deadline:
        kind, ok = one_http(connection)
        counts[kind] += 1
        if not ok:
            errors[kind] += 1
    connection.close()


def websocket_client(
    port: int, deadline: float, counts: Counter[str], errors: Counter[str]
) -> None:
    from websockets.sync.client import connect

    while time.monotonic() < deadline:
        with connect(f"ws://{HOST}:{port}/ws") as websocket:
            for _ in range(20):
                message = f"soak {random.random()}"
                websocket.send(message)
                counts["websocket"] += 1
                if message not in str(websocket.recv(timeout=10)):
                    errors["websocket"] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    with serve("examples.app", "app") as (port, pid):
        time.sleep(1)
        start_rss = rss_mib(pid)
        deadline = time.monotonic() + args.seconds
        workers = [
            threading.Thread(target=websocket_client if i == 0 else http_client,
                             args=(port, deadline, counts, errors))
            for i in range(args.clients)
        ]  # fmt: skip
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        end_rss = rss_mib(pid)
    total = sum(counts.values())
    print(f"soak: {args.seconds}s, {args.clients} clients (1 websocket), example app under uvicorn")
    print(f"served: {total} ({dict(sorted(counts.items()))})")
    print(f"unexpected answers: {sum(errors.values())} {dict(errors)}")
    print(f"server RSS: {start_rss:.1f} MiB at start, {end_rss:.1f} MiB at end")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
