"""TimeoutMiddleware: a 504 for a handler that runs past its limit, which is then cancelled.

The limit counts from the moment the request reaches this middleware until the app starts its
answer (`http.response.start`): reading the body counts, a streaming answer once begun does
not. When the time is up first, the app is cancelled where it waits (its `finally` blocks and
context managers run), the client gets `504 Gateway Timeout`, and the `asgi_middleware.timeout`
logger notes it in one WARNING line: a timeout is no crash, so no traceback, nothing
re-raised. An answer already started is left alone: it runs to its end, however long.

Per app and per route: `App(middleware=[Middleware(TimeoutMiddleware, timeout=30)])` and
`Route(..., middleware=[Middleware(TimeoutMiddleware, timeout=2)])`. Limits don't stack: the
outermost TimeoutMiddleware keeps one timer per request (in the scope under TIMEOUT_SCOPE_KEY),
and one further in sets it to its own limit, from when the request reaches it, until its app
returns: the innermost wins, shorter or longer. WebSocket and lifespan scopes pass untouched.

A sync endpoint runs in a thread, which nothing can stop: the client gets its 504 on time, and
the thread runs to its end, its answer going nowhere.
"""

from __future__ import annotations

import asyncio
import logging
import math

from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_responses import PlainTextResponse

logger = logging.getLogger(__name__)

# The request's _Deadline, for a TimeoutMiddleware further in (a route's) to set.
TIMEOUT_SCOPE_KEY = "asgi_toolkit.timeout"


class _Deadline:
    """One request's timer, shared by every TimeoutMiddleware the request passes through."""

    __slots__ = ("limit", "started", "timer")

    def __init__(self, timer: asyncio.Timeout, limit: float) -> None:
        self.timer = timer
        self.limit = limit  # the limit in force, for the log line
        self.started = False  # the app began its answer: no timer any more

    def running(self) -> bool:
        return not self.started and not self.timer.expired()

    async def within(
        self, limit: float, app: ASGIApp, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Run `app` under `limit` from now instead of the outer limit, which then resumes."""
        if not self.running():  # too late to set a limit: the answer began, or time is up
            await app(scope, receive, send)
            return
        timer, outer = self.timer, (self.timer.when(), self.limit)
        timer.reschedule(asyncio.get_running_loop().time() + limit)
        self.limit = limit
        try:
            await app(scope, receive, send)
        finally:
            if self.running():
                timer.reschedule(outer[0])
                self.limit = outer[1]


def _seconds(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"timeout must be a number of seconds, not {timeout!r}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a positive, finite number of seconds, not {timeout!r}")
    return float(timeout)


class TimeoutMiddleware:
    def __init__(self, app: ASGIApp, timeout: float = 30.0) -> None:
        self.app = app
        self.timeout = _seconds(timeout)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outer = scope.get(TIMEOUT_SCOPE_KEY)
        if isinstance(outer, _Deadline):  # a TimeoutMiddleware further out owns the timer
            await outer.within(self.timeout, self.app, scope, receive, send)
            return
        timer = asyncio.timeout(self.timeout)
        deadline = scope[TIMEOUT_SCOPE_KEY] = _Deadline(timer, self.timeout)

        async def send_in_time(message: Message) -> None:
            if not deadline.started:
                if timer.expired():
                    return  # from an app that swallowed its cancellation: the 504 answers
                if message["type"] == "http.response.start":
                    timer.reschedule(None)  # answering: the rest takes what it takes
                    deadline.started = True
            await send(message)

        try:
            async with timer:
                await self.app(scope, receive, send_in_time)
        except TimeoutError:
            if not timer.expired():
                raise  # the app's own (a client library's timeout, say): not ours to answer
        finally:
            scope.pop(TIMEOUT_SCOPE_KEY, None)
        if timer.expired() and not deadline.started:
            logger.warning(
                "%s %r ran past its %gs limit: cancelled, answered 504",
                scope.get("method"),
                scope.get("path"),
                deadline.limit,
            )
            await PlainTextResponse("Gateway Timeout", status_code=504)(scope, receive, send)


__all__ = ["TIMEOUT_SCOPE_KEY", "TimeoutMiddleware"]
