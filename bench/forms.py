"""Hostile forms: what one message built to waste a form parser's time costs each framework.

Each case is one whole body in a single `http.request` message (what a server may hand over),
posted in-process to the benchmark app's `/upload` route, whose `request.form()` keeps the
default limits (1000 fields, 1000 files). The answer is checked first (a refusal must be a
400, never a 500); then each round times every framework on every case in a shuffled order,
and the table shows the median seconds and `ours/starlette`: **below 1 is faster**.

    python -m bench.forms [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from bench.inprocess import load_frameworks

BOUNDARY = "benchboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}".encode()
URLENCODED = b"application/x-www-form-urlencoded"


def parts(count: int, disposition: str = "", data: bytes = b"v") -> bytes:
    one = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"{disposition}\r\n\r\n'
    return (one.encode() + data + b"\r\n") * count + f"--{BOUNDARY}--\r\n".encode()


@dataclass(frozen=True)
class Case:
    name: str
    content_type: bytes
    body: bytes
    statuses: tuple[int, ...]  # the answers a framework may give


def cases() -> list[Case]:
    return [
        Case("200,000 tiny parts (12 MB)", MULTIPART, parts(200_000), (400,)),
        Case("200,000 tiny files (13 MB)", MULTIPART, parts(200_000, '; filename="a"'), (400,)),
        # 4 KB: the largest part header Starlette's python-multipart settings let through. We
        # refuse a part header of over 64 parameters; Starlette parses them all.
        Case(
            "1000 parts, 4 KB of parameters each", MULTIPART, parts(1000, "; a=b" * 800), (200, 400)
        ),
        Case("12 MB of '&' (urlencoded)", URLENCODED, b"&" * 12_000_000, (200,)),
        Case(
            "for scale: one 12 MB file",
            MULTIPART,
            parts(1, '; filename="a"', b"z" * 12_000_000),
            (200,),
        ),
    ]


def scope(case: Case) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/upload",
        "raw_path": b"/upload",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", case.content_type),
            (b"content-length", str(len(case.body)).encode()),
        ],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "state": {},
        "extensions": {},
    }


async def post(app: Any, case: Case) -> tuple[int, float]:
    """(status, seconds) of one request carrying the whole body in one message."""
    messages = [{"type": "http.request", "body": case.body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client stays: never a disconnect
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    gc.collect()
    start = time.perf_counter()
    await app(scope(case), receive, send)
    return status, time.perf_counter() - start


async def run(rounds: int) -> dict[str, dict[str, float]]:
    frameworks = {
        name: apps[0] for name, apps in load_frameworks().items() if name in ("ours", "starlette")
    }
    all_cases = cases()
    for case in all_cases:  # a wrong answer would make a fast number meaningless
        for name, app in frameworks.items():
            status, _ = await post(app, case)
            if status not in case.statuses:
                raise RuntimeError(f"{name} answered {case.name!r} with {status}")
    samples: dict[str, dict[str, list[float]]] = {
        c.name: {f: [] for f in frameworks} for c in all_cases
    }
    order = list(frameworks)
    for _ in range(rounds):
        random.shuffle(order)
        for case in all_cases:
            for name in order:
                samples[case.name][name].append((await post(frameworks[name], case))[1])
    return {c: {f: statistics.median(v) for f, v in per.items()} for c, per in samples.items()}


def table(medians: dict[str, dict[str, float]]) -> str:
    frameworks = list(next(iter(medians.values())))
    head = ["case", *[f"{f} s" for f in frameworks]]
    if "starlette" in frameworks and "ours" in frameworks:
        head.append("ours/starlette")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case, per in medians.items():
        cells = [case, *[f"{per[f]:.4f}" for f in frameworks]]
        if len(cells) < len(head):
            cells.append(f"{per['ours'] / per['starlette']:.3g}x")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    medians = asyncio.run(run(args.rounds))
    print(f"Hostile forms in one message, median seconds over {args.rounds} rounds")
    print(f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()})")
    print(table(medians))


if __name__ == "__main__":
    main()
