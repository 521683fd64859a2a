"""Instructions per request of our app, per scenario: a cost that a loaded machine can't blur.

Times on a shared 2-core machine move by 20% from one minute to the next; the number of
instructions the interpreter runs for a request does not. Each scenario is run under
`valgrind --tool=callgrind` twice, with N requests and with none (same imports, same warm-up),
and the difference divided by N is the cost of one request. Compare two checkouts by running
this in each: a change that adds work to the hot path shows as more instructions.

    python -m bench.instructions [--requests 1000] [--wrap ratelimit] [scenario ...]

`--wrap NAME` serves the app inside one more layer (bench.ratelimit.WRAPS), to price that layer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.inprocess import make_scope
from bench.scenarios import SCENARIOS

WARM_UP = 50
TOTAL = re.compile(r"^summary:\s+(\d+)", re.MULTILINE)


def serve(name: str, count: int, wrap: str | None = None) -> None:
    """Run WARM_UP + `count` requests of scenario `name` through our app (the measured child)."""
    from bench.apps import ours
    from bench.ratelimit import WRAPS

    scenario = next(s for s in SCENARIOS if s.name == name)
    app = ours.middleware_app if scenario.middleware else ours.app
    if wrap is not None:
        app = WRAPS[wrap](app)
    template = make_scope(scenario)
    message = {"type": "http.request", "body": scenario.body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(_: dict[str, Any]) -> None:
        return None

    async def main() -> None:
        for _ in range(WARM_UP + count):
            scope = {**template, "headers": list(template["headers"]), "state": {}}
            await app(scope, receive, send)

    asyncio.run(main())


def instructions(name: str, count: int, workdir: Path, wrap: str | None = None) -> int:
    out = workdir / f"{name}-{count}-{wrap}.callgrind"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            "--serve",
            name,
            str(count),
            *(["--wrap", wrap] if wrap else []),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = TOTAL.search(out.read_text())
    assert found, out
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--serve", nargs=2, metavar=("SCENARIO", "COUNT"), help=argparse.SUPPRESS)
    parser.add_argument("--wrap", choices=["ratelimit"], help="one more layer around the app")
    parser.add_argument("scenarios", nargs="*", default=[s.name for s in SCENARIOS])
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.wrap)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench.instructions needs valgrind (Debian: apt-get install valgrind)")
    print(
        f"Instructions per request (callgrind, {args.requests} requests, CPython {sys.version.split()[0]})"
    )
    print("| scenario | instructions |\n|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.scenarios:
            busy = instructions(name, args.requests, Path(tmp), args.wrap)
            idle = instructions(name, 0, Path(tmp), args.wrap)
            print(f"| {name} | {(busy - idle) // args.requests:,} |", flush=True)


if __name__ == "__main__":
    main()
