"""Endless SSE streams and WebSockets that end on the shutdown signal, logging in what order.

Every line goes to the file `SHUTDOWN_LOG` names: "startup", "open <n>" when a stream starts,
"finally <n>" when its generator's `finally` ran, "ws closed <code>", "lifespan shutdown".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

from asgi_lifetime import ShutdownSignal
from asgi_toolkit.applications import App
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import EventSourceResponse
from asgi_toolkit.routing import Route, WebSocketRoute
from asgi_toolkit.websockets import WebSocket

LOG = os.environ.get("SHUTDOWN_LOG", os.devnull)
WS_CLOSE_CODE = 1012


def log(line: str) -> None:
    with open(LOG, "a") as sink:
        sink.write(line + "\n")


async def ticks(number: str) -> AsyncIterator[dict[str, Any]]:
    log(f"open {number}")
    try:
        count = 0
        while True:
            yield {"data": count, "id": str(count)}
            count += 1
            await asyncio.sleep(0.2)
    finally:
        await asyncio.sleep(0.05)  # a cleanup that awaits: it still ends before the lifespan
        log(f"finally {number}")


async def stream(request: Request) -> EventSourceResponse:
    return EventSourceResponse(ticks(request.query_params.get("n", "?")), ping=1.0)


async def echo(websocket: WebSocket) -> None:
    shutdown = ShutdownSignal.of(websocket.scope)  # None under a server without lifespan
    await websocket.accept()
    while True:
        receiving = websocket.receive_text()
        message = await (receiving if shutdown is None else shutdown.race(receiving))
        if message is None:  # the server is shutting down
            log(f"ws closed {WS_CLOSE_CODE}")
            await websocket.close(WS_CLOSE_CODE, "service restart")
            return
        await websocket.send_text(message)


@contextlib.asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[None]:
    log("startup")
    yield
    log("lifespan shutdown")


app = App(routes=[Route("/sse", stream), WebSocketRoute("/ws", echo)], lifespan=lifespan)
