"""Calling exception handlers: sync ones in the thread pool, async ones awaited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgi_protocol.concurrency import is_async_callable, run_in_threadpool

Handler = Callable[[Any, Exception], Any]


async def call_handler(handler: Handler, connection: Any, exc: Exception) -> Any:
    if is_async_callable(handler):
        return await handler(connection, exc)
    return await run_in_threadpool(handler, connection, exc)


class ResponseStarted:
    """Wraps `send` to note whether the answer began (then no handler may answer).

    Pass `tracker.send` on, a bound method: calling it is cheaper than an object's __call__.
    """

    __slots__ = ("_send", "started")

    def __init__(self, send: Any) -> None:
        self._send = send
        self.started = False

    def send(self, message: Any) -> Awaitable[None]:
        # Any first message (start, or websocket accept/close) means the answer has begun.
        # A plain method handing back the inner send's awaitable: no coroutine of our own per
        # message, and the caller's `await` is the same.
        self.started = True
        return self._send(message)  # type: ignore[no-any-return]
