"""In-process benchmark: call each framework's app(scope, receive, send) in a tight loop.

No network and no server: what is left is the framework's own per-request cost. Frameworks are
interleaved round by round (so drift on the machine hits all alike) and the median of the rounds
is reported, with each framework's time as a ratio to ours.

    python -m bench.inprocess [--rounds 7] [--requests 2000] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import platform
import random
import statistics
import sys
import time
from typing import Any

from bench.scenarios import FRAMEWORKS, SCENARIOS, Scenario


def load_frameworks() -> dict[str, tuple[Any, Any]]:
    """name -> (app, middleware_app), skipping frameworks that aren't installed here."""
    loaded = {}
    for name, module_name in FRAMEWORKS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            print(f"# {name}: not available ({exc})", file=sys.stderr)
            continue
        loaded[name] = (module.app, module.middleware_app)
    return loaded


def make_scope(scenario: Scenario) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:8000"), *scenario.headers]
    if scenario.body:
        headers.append((b"content-length", str(len(scenario.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": scenario.path,
        "raw_path": scenario.path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "state": {},
        "extensions": {},
    }


async def startup(app: Any) -> None:
    """Run the app's lifespan startup (BlackSheep needs it before serving)."""
    starter = getattr(app, "start", None)
    if starter is not None:
        await starter()


async def one_request(app: Any, scenario: Scenario) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": scenario.body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(make_scope(scenario), receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def timed_batch(app: Any, scenario: Scenario, count: int) -> float:
    """Microseconds per request over `count` requests."""
    template = make_scope(scenario)
    body_message = {"type": "http.request", "body": scenario.body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return body_message

    async def send(message: dict[str, Any]) -> None:
        return None

    scopes = [{**template, "headers": list(template["headers"]), "state": {}} for _ in range(count)]
    gc.collect()
    start = time.perf_counter()
    for scope in scopes:
        await app(scope, receive, send)
    return (time.perf_counter() - start) / count * 1e6


async def run(rounds: int, count: int) -> dict[str, dict[str, float]]:
    frameworks = load_frameworks()
    for plain_app, middleware_app in frameworks.values():
        await startup(plain_app)
        await startup(middleware_app)
    for scenario in SCENARIOS:  # a wrong answer would make a fast number meaningless
        for name, apps in frameworks.items():
            status, body = await one_request(apps[scenario.middleware], scenario)
            if status != 200 or scenario.expect not in body:
                raise RuntimeError(f"{name} answered {scenario.name} wrongly: {status} {body!r}")
    samples: dict[str, dict[str, list[float]]] = {
        s.name: {f: [] for f in frameworks} for s in SCENARIOS
    }
    order = list(frameworks)
    for _ in range(rounds):
        random.shuffle(order)
        for scenario in SCENARIOS:
            for name in order:
                app = frameworks[name][scenario.middleware]
                await timed_batch(app, scenario, max(count // 10, 1))  # warm caches
                samples[scenario.name][name].append(await timed_batch(app, scenario, count))
    return {s: {f: statistics.median(v) for f, v in per.items()} for s, per in samples.items()}


def table(medians: dict[str, dict[str, float]]) -> str:
    frameworks = list(next(iter(medians.values())))
    others = [f for f in frameworks if f != "ours"]
    head = ["scenario", *[f"{f} µs" for f in frameworks], *[f"ours/{f}" for f in others]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scenario, per in medians.items():
        cells = [scenario, *[f"{per[f]:.1f}" for f in frameworks]]
        cells += [f"{per['ours'] / per[f]:.2f}x" if "ours" in per else "-" for f in others]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", help="also write the medians to this file")
    args = parser.parse_args()
    medians = asyncio.run(run(args.rounds, args.requests))
    print(f"In-process, median µs per request over {args.rounds} rounds of {args.requests}")
    print(f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()})")
    print(table(medians))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(medians, out, indent=2)


if __name__ == "__main__":
    main()
