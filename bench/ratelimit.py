"""The in-process cost of RateLimitMiddleware (memory store) per request, over plaintext.

Our plaintext app with and without the limiter in front, interleaved round by round, median of
the rounds; then the same difference in callgrind instructions (bench.instructions --wrap),
which a loaded machine can't blur. The limit is never reached: this is the price of counting
and of the two RateLimit headers on every answer.

    python -m bench.ratelimit [--rounds 7] [--requests 5000] [--instructions 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asgi_middleware import MemoryStore, RateLimitMiddleware
from bench.inprocess import one_request, timed_batch
from bench.scenarios import SCENARIOS


def rate_limited(app: Any) -> Any:
    """`app` behind a limit it never reaches, counted in a memory store."""
    return RateLimitMiddleware(app, limit=10**12, window=3600, store=MemoryStore(), name="bench")


WRAPS: dict[str, Callable[[Any], Any]] = {"ratelimit": rate_limited}
PLAINTEXT = next(s for s in SCENARIOS if s.name == "plaintext")


async def microseconds(rounds: int, count: int) -> tuple[float, float]:
    from bench.apps import ours

    apps = {"plain": ours.app, "limited": rate_limited(ours.app)}
    status, _ = await one_request(apps["limited"], PLAINTEXT)
    assert status == 200, status
    samples: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            await timed_batch(app, PLAINTEXT, max(count // 10, 1))  # warm caches
            samples[name].append(await timed_batch(app, PLAINTEXT, count))
    return statistics.median(samples["plain"]), statistics.median(samples["limited"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--instructions", type=int, default=1000, help="0: skip callgrind")
    args = parser.parse_args()
    plain, limited = asyncio.run(microseconds(args.rounds, args.requests))
    print("| plaintext | µs/request | instructions/request |\n|---|---|---|")
    counts: dict[str, str] = {"plain": "-", "limited": "-", "cost": "-"}
    if args.instructions and shutil.which("valgrind"):
        from bench.instructions import instructions

        n = args.instructions
        with tempfile.TemporaryDirectory() as tmp:
            per = {
                label: (
                    instructions("plaintext", n, Path(tmp), wrap)
                    - instructions("plaintext", 0, Path(tmp), wrap)
                )
                // n
                for label, wrap in (("plain", None), ("limited", "ratelimit"))
            }
        counts = {k: f"{v:,}" for k, v in per.items()}
        counts["cost"] = f"{per['limited'] - per['plain']:,}"
    elif args.instructions:
        print("# valgrind not found: no instruction counts", file=sys.stderr)
    print(f"| ours | {plain:.2f} | {counts['plain']} |")
    print(f"| ours + RateLimitMiddleware | {limited:.2f} | {counts['limited']} |")
    print(f"| cost of the limiter | {limited - plain:.2f} | {counts['cost']} |")


if __name__ == "__main__":
    main()
