"""Calling exception handlers: sync ones in the thread pool, async ones awaited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgi_protocol.concurrency import run_in_threadpool
from asgi_tasks import is_async_callable

Handler = Callable[[Any, Exception], Any]


async def call_handler(handler: Handler, connection: Any, exc: Exception) -> Any:
    if is_async_callable(handler):
        return await handler(connection, exc)
    return await run_in_threadpool(handler, connection, exc)


class ResponseStarted:
    """Wraps `send` to note whether http.response.start went out (then no handler may answer)."""

    __slots__ = ("send", "started")

    def __init__(self, send: Any) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Any) -> None:
        # Any first message (start, or websocket accept/close) means the answer has begun.
        self.started = True
        await self.send(message)
