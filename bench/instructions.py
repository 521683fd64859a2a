"""Instructions per request of our app, per scenario: a cost that a loaded machine can't blur.

Times on a shared 2-core machine move by 20% from one minute to the next; the number of
instructions the interpreter runs for a request does not. Each scenario is run under
`valgrind --tool=callgrind` twice, with N requests and with none (same imports, same warm-up),
and the difference divided by N is the cost of one request. Compare two checkouts by running
this in each: a change that adds work to the hot path shows as more instructions.

    python -m bench.instructions [--requests 1000] [--wrap module:Class] [scenario ...]

`--wrap asgi_middleware.timeout:TimeoutMiddleware` serves the app wrapped in that middleware
(its defaults): the difference to a run without it is what the middleware costs per request.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
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


def wrap_app(app: Any, wrap: str | None) -> Any:
    """`app` inside the middleware class named `module:Class`, or a layer bench.ratelimit
    builds by name (`ratelimit`: it needs a store); None: `app` itself."""
    if wrap is None:
        return app
    from bench.ratelimit import WRAPS

    if wrap in WRAPS:
        return WRAPS[wrap](app)
    module, _, name = wrap.partition(":")
    return getattr(importlib.import_module(module), name)(app)


def serve(name: str, count: int, wrap: str | None = None) -> None:
    """Run WARM_UP + `count` requests of scenario `name` through our app (the measured child)."""
    from bench.apps import ours

    scenario = next(s for s in SCENARIOS if s.name == name)
    app = wrap_app(ours.middleware_app if scenario.middleware else ours.app, wrap)
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
    out = workdir / f"{name}-{count}-{(wrap or 'bare').replace(':', '.')}.callgrind"
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
    parser.add_argument(
        "--wrap", metavar="MODULE:CLASS", help="serve the app inside this middleware"
    )
    parser.add_argument("scenarios", nargs="*", default=[s.name for s in SCENARIOS])
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.wrap)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench.instructions needs valgrind (Debian: apt-get install valgrind)")
    inside = f", the app inside {args.wrap}" if args.wrap else ""
    print(
        f"Instructions per request (callgrind, {args.requests} requests{inside}, "
        f"CPython {sys.version.split()[0]})"
    )
    print("| scenario | instructions |\n|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.scenarios:
            busy = instructions(name, args.requests, Path(tmp), args.wrap)
            idle = instructions(name, 0, Path(tmp), args.wrap)
            print(f"| {name} | {(busy - idle) // args.requests:,} |", flush=True)


if __name__ == "__main__":
    main()
