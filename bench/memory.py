"""Memory figures: the server's peak RSS after 10k requests, and while taking a 200 MB upload.

The upload must not sit in memory: forms spool files to disk past a threshold, so the peak RSS of
the upload run has to stay far below the file's size.

    python -m bench.memory [--requests 10000] [--upload-mb 200]
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from bench.e2e import HOST, serve
from bench.scenarios import FRAMEWORKS

BOUNDARY = "benchmarkboundary7MA4YWxkTrZu0gW"


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")  # pragma: no cover - Linux always has it


def hammer(port: int, count: int) -> None:
    connection = http.client.HTTPConnection(HOST, port)
    for i in range(count):
        path = ("/plaintext", "/json", f"/users/{i}")[i % 3]
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
    connection.close()


def multipart_chunks(megabytes: int) -> Iterator[bytes]:
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    block = b"\x00" * (1 << 20)
    for _ in range(megabytes):
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(port: int, megabytes: int) -> dict[str, int]:
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    connection.request(
        "POST",
        "/upload",
        body=multipart_chunks(megabytes),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (response.status, body[:200])
    return dict(json.loads(body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--upload-mb", type=int, default=200)
    args = parser.parse_args()
    print(f"| framework | peak RSS after {args.requests} requests | "
          f"peak RSS during a {args.upload_mb} MB upload |")  # fmt: skip
    print("|---|---|---|")
    for name in ("ours", "starlette"):
        module = FRAMEWORKS[name]
        try:
            importlib.import_module(module)
        except ImportError as exc:
            print(f"# {name}: not available ({exc})", file=sys.stderr)
            continue
        with serve(module, "app") as (port, pid):
            hammer(port, args.requests)
            after_requests = peak_rss_mib(pid)
        with serve(module, "app") as (port, pid):
            sizes = upload(port, args.upload_mb)
            assert sizes == {"file": args.upload_mb << 20}, sizes
            after_upload = peak_rss_mib(pid)
        print(f"| {name} | {after_requests:.1f} MiB | {after_upload:.1f} MiB |")


if __name__ == "__main__":
    main()
