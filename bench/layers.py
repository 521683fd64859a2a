"""Where our plaintext microseconds go: each layer of the App's stack called on its own.

Each row calls one layer directly (the App, then the error layer below it, the router, the
route, the endpoint wrapper, the endpoint, and the Response alone), so the difference between
two rows is what that layer adds. Layers below the App get the scope keys the layers above
would have written. The minimum of the rounds is shown: this is a profile, not a comparison.

    python -m bench.layers [--rounds 15] [--requests 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

from asgi_protocol.exceptions import HANDLER_SCOPE_KEY
from asgi_responses import PlainTextResponse
from asgi_routing import Route
from bench.apps import ours
from bench.apps._shared import HELLO
from bench.inprocess import make_scope
from bench.scenarios import SCENARIOS

PLAINTEXT = next(s for s in SCENARIOS if s.name == "plaintext")


def plaintext_route() -> Route:
    return next(r for r in ours.app.routes if isinstance(r, Route) and r.path == PLAINTEXT.path)


def layers() -> dict[str, tuple[Callable[..., Any], bool]]:
    """name -> (ASGI callable, whether the scope must carry what the layers above write)."""
    app = ours.app
    app.middleware_stack = app.build_middleware_stack()
    route = plaintext_route()

    async def endpoint_and_response(scope: Any, receive: Any, send: Any) -> None:
        response = await route.endpoint(None)
        await response(scope, receive, send)

    async def response_alone(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse(HELLO)(scope, receive, send)

    return {
        "App": (app, False),
        "error + exception layer": (app.middleware_stack, True),
        "Router.app": (app.router.app, True),
        "Route.handle": (route.handle, True),
        "request_response": (route.app, True),
        "endpoint + Response": (endpoint_and_response, True),
        "Response alone": (response_alone, True),
    }


async def timed(layer: Callable[..., Any], marked: bool, count: int) -> float:
    app = ours.app
    route = plaintext_route()
    template = make_scope(PLAINTEXT)
    if marked:
        template.update({"app": app, "router": app.router, HANDLER_SCOPE_KEY: app})
        template.update({"endpoint": route.endpoint, "route": route, "path_params": {}})
    scopes = [{**template, "state": {}} for _ in range(count)]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    gc.collect()
    start = time.perf_counter()
    for scope in scopes:
        await layer(scope, receive, send)
    return (time.perf_counter() - start) / count * 1e6


async def run(rounds: int, count: int) -> dict[str, float]:
    table = layers()
    best = {name: float("inf") for name in table}
    for _ in range(rounds):
        for name, (layer, marked) in table.items():
            await timed(layer, marked, max(count // 10, 1))  # warm up
            best[name] = min(best[name], await timed(layer, marked, count))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    best = asyncio.run(run(args.rounds, args.requests))
    print("| layer called | µs per request | this layer adds |")
    print("|---|---|---|")
    names = list(best)
    for name, below in zip(names, [*names[1:], None], strict=True):
        adds = best[name] - best[below] if below is not None else best[name]
        print(f"| {name} | {best[name]:.2f} | {adds:.2f} |")


if __name__ == "__main__":
    main()
