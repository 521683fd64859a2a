"""End-to-end benchmark over loopback: uvicorn serving each framework in turn, loaded by wrk.

Every server is uvicorn with httptools, no access log, one worker, on 127.0.0.1 only. All of
them are started first (an idle server costs nothing) and warmed up; then each round loads every
framework on every scenario, back to back in a shuffled order, so a slow minute on a shared
machine hits all frameworks alike instead of one framework's whole block. req/s and p99 latency
are the medians of the rounds. Without `wrk` on PATH (Debian package `wrk`), a bounded Python
load generator is used instead.

    python -m bench.e2e [--rounds 5] [--seconds 3] [--warmup 2] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.scenarios import FRAMEWORKS, SCENARIOS, Scenario

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(module: str, attribute: str) -> Iterator[tuple[int, int]]:
    """Run uvicorn on a free loopback port; yields (port, pid)."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", f"{module}:{attribute}", "--host", HOST,
        "--port", str(port), "--http", "httptools", "--no-access-log", "--workers", "1",
        "--log-level", "warning", "--app-dir", str(ROOT),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"uvicorn did not start serving {module}:{attribute}")
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(10)


def wrk(port: int, scenario: Scenario, seconds: int, connections: int) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) measured by wrk."""
    lines = [f'wrk.method = "{scenario.method}"']
    for name, value in scenario.headers:
        lines.append(f'wrk.headers["{name.decode()}"] = "{value.decode()}"')
    if scenario.body:
        lines.append(f"wrk.body = [[{scenario.body.decode()}]]")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name,
             f"http://{HOST}:{port}{scenario.path}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    if "Non-2xx" in output:
        raise RuntimeError(f"{scenario.name}: non-2xx answers\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return rps, float(p99) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


async def _python_load(
    port: int, scenario: Scenario, seconds: int, connections: int
) -> tuple[float, float]:
    head = [f"{scenario.method} {scenario.path} HTTP/1.1", f"Host: {HOST}:{port}"]
    head += [f"{k.decode()}: {v.decode()}" for k, v in scenario.headers]
    head.append(f"Content-Length: {len(scenario.body)}")
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + scenario.body
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while time.monotonic() < deadline:
                start = time.perf_counter()
                writer.write(request)
                status = await reader.readline()
                if b" 200 " not in status:
                    raise RuntimeError(f"{scenario.name}: {status!r}")
                length = 0
                while (line := await reader.readline()) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
        finally:
            writer.close()

    start = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.monotonic() - start
    return len(latencies) / elapsed, statistics.quantiles(latencies, n=100)[98] * 1000


def load(port: int, scenario: Scenario, seconds: int, connections: int) -> tuple[float, float]:
    if shutil.which("wrk"):
        return wrk(port, scenario, seconds, connections)
    return asyncio.run(_python_load(port, scenario, seconds, connections))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2, help="seconds per server and scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--json", help="also write the medians to this file")
    args = parser.parse_args()
    available = {}
    for name, module in FRAMEWORKS.items():
        try:
            importlib.import_module(module)
        except ImportError as exc:
            print(f"# {name}: not available ({exc})", file=sys.stderr)
        else:
            available[name] = module
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {
        s.name: {f: [] for f in available} for s in SCENARIOS
    }
    with contextlib.ExitStack() as servers:
        ports = {
            (name, attribute): servers.enter_context(serve(module, attribute))[0]
            for name, module in available.items()
            for attribute in ("app", "middleware_app")
        }

        def port_for(name: str, scenario: Scenario) -> int:
            return ports[name, "middleware_app" if scenario.middleware else "app"]

        for scenario in SCENARIOS:
            for name in available:
                load(port_for(name, scenario), scenario, args.warmup, args.connections)
        order = list(available)
        for _ in range(args.rounds):
            for scenario in SCENARIOS:
                random.shuffle(order)
                for name in order:
                    result = load(
                        port_for(name, scenario), scenario, args.seconds, args.connections
                    )
                    samples[scenario.name][name].append(result)
    tool = "wrk" if shutil.which("wrk") else "python load generator"
    print(f"uvicorn (httptools, 1 worker) on {HOST}, {tool}, {args.connections} connections, "
          f"{args.seconds}s x {args.rounds} rounds: median req/s (p99 ms)")  # fmt: skip
    names = list(available)
    others = [n for n in names if n != "ours"]
    print(
        "| scenario | " + " | ".join(names) + " | " + " | ".join(f"ours/{n}" for n in others) + " |"
    )
    print("|" + "---|" * (1 + len(names) + len(others)))
    medians: dict[str, dict[str, tuple[float, float]]] = {}
    for scenario_name, per in samples.items():
        med = {
            n: (statistics.median(r for r, _ in v), statistics.median(p for _, p in v))
            for n, v in per.items()
        }
        medians[scenario_name] = med
        cells = [f"{med[n][0]:.0f} ({med[n][1]:.1f})" for n in names]
        ratios = [f"{med['ours'][0] / med[n][0]:.2f}x" if "ours" in med else "-" for n in others]
        print(f"| {scenario_name} | " + " | ".join(cells + ratios) + " |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(medians, out, indent=2)


if __name__ == "__main__":
    main()
