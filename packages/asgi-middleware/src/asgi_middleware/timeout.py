"""TimeoutMiddleware: a 504 for a handler that runs past its limit, which is then cancelled.

The limit counts from the moment the request reaches this middleware until the app starts its
answer (`http.response.start`): reading the body counts, a streaming answer once begun does
not. When the time is up first, the app is cancelled where it waits (its `finally` blocks and
context managers run), the client gets `504 Gateway Timeout`, and the `asgi_middleware.timeout`
logger notes it in one WARNING line: a timeout is no crash, so no traceback, nothing
re-raised. An answer already started is left alone: it runs to its end, however long.

Per app and per route: `App(middleware=[Middleware(TimeoutMiddleware, timeout=30)])` and
`Route(..., middleware=[Middleware(TimeoutMiddleware, timeout=2)])`. Limits don't stack: the
outermost TimeoutMiddleware keeps one deadline per request (in the scope under
TIMEOUT_SCOPE_KEY), and one further in sets it to its own limit, from when the request reaches
it, until its app returns: the innermost wins, shorter or longer. Deadlines are watched in
10 ms slots (asgi_middleware._deadlines: no timer per request), so a handler is cancelled at
most 10 ms after its limit, never before. WebSocket and lifespan scopes pass untouched.

A sync endpoint runs in a thread, which nothing can stop: the client gets its 504 on time, and
the thread runs to its end (or, when it had not started yet, never), its answer going nowhere.
"""

from __future__ import annotations

import asyncio
import logging
import math

from asgi_middleware._deadlines import Deadline, Watch
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_responses import PlainTextResponse

logger = logging.getLogger(__name__)

# The request's Deadline, for a TimeoutMiddleware further in (a route's) to set.
TIMEOUT_SCOPE_KEY = "asgi_toolkit.timeout"


async def _within(
    deadline: Deadline, limit: float, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run `app` under `limit` from now instead of the outer limit, which then resumes."""
    if not deadline.running():  # too late to set a limit: the answer began, or time is up
        await app(scope, receive, send)
        return
    outer_limit = deadline.limit
    outer_when = deadline.reset(limit)
    try:
        await app(scope, receive, send)
    finally:
        if deadline.running():
            deadline.restore(outer_when, outer_limit)


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
        self._watch: Watch | None = None  # for the loop serving us (a new loop, a new watch)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outer = scope.get(TIMEOUT_SCOPE_KEY)
        if isinstance(outer, Deadline):  # a TimeoutMiddleware further out owns the deadline
            await _within(outer, self.timeout, self.app, scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        watch = self._watch
        if watch is None or watch.loop is not loop:
            watch = self._watch = Watch(loop)
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("TimeoutMiddleware must run in an asyncio task")
        deadline = scope[TIMEOUT_SCOPE_KEY] = Deadline(watch, task, self.timeout)

        async def send_in_time(message: Message) -> None:
            if not deadline.started:
                if deadline.expired:
                    return  # from an app that swallowed its cancellation: the 504 answers
                if message["type"] == "http.response.start":
                    deadline.started = True  # answering: the rest takes what it takes
                    deadline.stop()
            await send(message)

        try:
            await self.app(scope, receive, send_in_time)
        except asyncio.CancelledError:
            if not deadline.expired:
                raise  # not ours: the server going down, say
        finally:
            deadline.stop()
            scope.pop(TIMEOUT_SCOPE_KEY, None)
        if deadline.expired:  # whether the app let our cancellation through or swallowed it
            if task.uncancel() > deadline.cancelling:
                raise asyncio.CancelledError  # somebody else asked for one too: theirs goes on
            logger.warning(
                "%s %r ran past its %gs limit: cancelled, answered 504",
                scope.get("method"),
                scope.get("path"),
                deadline.limit,
            )
            await PlainTextResponse("Gateway Timeout", status_code=504)(scope, receive, send)


__all__ = ["TIMEOUT_SCOPE_KEY", "TimeoutMiddleware"]
