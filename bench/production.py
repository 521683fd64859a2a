"""What the production middleware costs per request: the plaintext app bare and wrapped.

The bench's plaintext App (bench/apps/ours.py) is called in-process, bare and inside each
middleware (its defaults), the variants interleaved round by round; the best round of each is
its time, and the difference to the bare app is what the middleware adds. `--instructions` also
counts instructions per request under callgrind (bench/instructions.py `--wrap`), which a busy
machine can't blur.

    python -m bench.production [--rounds 9] [--requests 5000] [--instructions]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import shutil
import sys
import tempfile
from pathlib import Path

from bench.apps import ours
from bench.inprocess import one_request, timed_batch
from bench.instructions import instructions, wrap_app
from bench.scenarios import SCENARIOS

PLAINTEXT = next(s for s in SCENARIOS if s.name == "plaintext")
# name -> the middleware class the app is wrapped in (None: the app bare)
VARIANTS: dict[str, str | None] = {
    "bare": None,
    "RequestIdMiddleware": "asgi_middleware.requestid:RequestIdMiddleware",
    "TimeoutMiddleware": "asgi_middleware.timeout:TimeoutMiddleware",
}


async def best_times(rounds: int, count: int) -> dict[str, float]:
    apps = {name: wrap_app(ours.app, wrap) for name, wrap in VARIANTS.items()}
    for name, app in apps.items():  # a wrong answer would make a fast number meaningless
        status, body = await one_request(app, PLAINTEXT)
        if status != 200 or PLAINTEXT.expect not in body:
            raise RuntimeError(f"{name} answered wrongly: {status} {body!r}")
    samples: dict[str, list[float]] = {name: [] for name in apps}
    order = list(apps)
    for _ in range(rounds):
        random.shuffle(order)
        for name in order:
            await timed_batch(apps[name], PLAINTEXT, max(count // 10, 1))  # warm caches
            samples[name].append(await timed_batch(apps[name], PLAINTEXT, count))
    return {name: min(values) for name, values in samples.items()}


def instruction_counts(count: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        return {
            name: (
                instructions("plaintext", count, Path(tmp), wrap)
                - instructions("plaintext", 0, Path(tmp), wrap)
            )
            // count
            for name, wrap in VARIANTS.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--instructions", action="store_true", help="also count instructions")
    parser.add_argument("--instruction-requests", type=int, default=1000)
    args = parser.parse_args()
    times = asyncio.run(best_times(args.rounds, args.requests))
    print(f"GET /plaintext in-process, best of {args.rounds} rounds of {args.requests}")
    print(f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()})")
    print("| app | µs/request | added µs |\n|---|---|---|")
    for name, value in times.items():
        print(f"| {name} | {value:.2f} | {value - times['bare']:+.2f} |")
    if not args.instructions:
        return
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    counts = instruction_counts(args.instruction_requests)
    print(f"\nInstructions per request (callgrind, {args.instruction_requests} requests)")
    print("| app | instructions | added |\n|---|---|---|")
    for name, value in counts.items():
        print(f"| {name} | {value:,} | {value - counts['bare']:+,} |")


if __name__ == "__main__":
    main()
