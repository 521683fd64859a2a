"""`Lifespan`: answer the ASGI lifespan protocol in front of any app.

The wrapped app never sees a "lifespan" scope, so this also gives startup and shutdown to an
app that has none (a Django Channels router, a hand-written callable). HTTP and WebSocket
scopes pass straight through: one string comparison per request.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from asgi_lifetime._tasks import AppTasks
from asgi_protocol.types import ASGIApp, Receive, Scope, Send

#: Key under which the app's task group is put in the lifespan state (and so in each request's
#: `scope["state"]`, i.e. `request.state.tasks`).
TASKS_STATE_KEY = "tasks"

LifespanFactory = Callable[[Any], AbstractAsyncContextManager[Mapping[str, Any] | None]]


class Lifespan:
    """Wrap `app`; run `on_startup`/`on_shutdown` hooks or one `lifespan(owner)` context.

    `owner` is what the lifespan context receives (default: `app`); an application class passes
    itself so user code gets the application, not its middleware stack.
    """

    def __init__(
        self,
        app: ASGIApp,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        lifespan: Callable[[Any], Any] | None = None,
        *,
        owner: Any = None,
        grace_period: float = 5.0,
    ) -> None:
        if lifespan is not None and (on_startup or on_shutdown):
            raise ValueError(
                "Use either 'lifespan' or 'on_startup'/'on_shutdown', not both: "
                "move the hooks into the lifespan context manager"
            )
        self.app = app
        self.on_startup = list(on_startup or ())
        self.on_shutdown = list(on_shutdown or ())
        self.lifespan_context = _as_context_factory(lifespan)
        self.owner = app if owner is None else owner
        self.grace_period = grace_period
        #: The task group of the current (or last) run; a fresh one is made at each startup.
        self.tasks = AppTasks(grace_period)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Hot path: every request goes through this one comparison.
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        await self._serve(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        self.tasks = tasks = AppTasks(self.grace_period)
        context: AbstractAsyncContextManager[Mapping[str, Any] | None] | None = None
        try:
            state: dict[str, Any] | None = scope.get("state")
            if self.lifespan_context is not None:
                context = self.lifespan_context(self.owner)
                value = await context.__aenter__()
                if value is not None:
                    if state is None:
                        raise RuntimeError(
                            "The lifespan yielded state but the server gives no 'state' in the "
                            "lifespan scope: use a server that supports lifespan state"
                        )
                    state.update(value)
            else:
                for hook in self.on_startup:
                    await _call(hook)
            if state is not None:
                state.setdefault(TASKS_STATE_KEY, tasks)
        except BaseException as exc:
            await send({"type": "lifespan.startup.failed", "message": _describe(exc)})
            raise
        await send({"type": "lifespan.startup.complete"})

        try:
            await receive()  # lifespan.shutdown
        except BaseException as exc:  # cancelled by the server: still release resources
            await tasks.aclose()
            if context is not None:
                await context.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        try:
            await tasks.aclose()
            if context is not None:
                await context.__aexit__(None, None, None)
            else:
                for hook in self.on_shutdown:
                    await _call(hook)
        except BaseException as exc:
            await send({"type": "lifespan.shutdown.failed", "message": _describe(exc)})
            raise
        await send({"type": "lifespan.shutdown.complete"})


def _as_context_factory(lifespan: Callable[[Any], Any] | None) -> LifespanFactory | None:
    """Accept an async context manager factory, or an async generator function (wrapped)."""
    if lifespan is None:
        return None
    if inspect.isasyncgenfunction(lifespan):
        wrapped: Callable[[Any], AsyncIterator[Any]] = lifespan
        return contextlib.asynccontextmanager(wrapped)
    if inspect.isgeneratorfunction(lifespan):
        raise TypeError(
            "lifespan must be async: use an async context manager or an 'async def' generator"
        )
    if not callable(lifespan):
        raise TypeError(f"lifespan must be a callable taking the app, got {lifespan!r}")
    factory: LifespanFactory = lifespan
    return factory


async def _call(hook: Callable[[], Any]) -> None:
    result = hook()
    if inspect.isawaitable(result):
        await result


def _describe(exc: BaseException) -> str:
    return str(exc) or repr(exc)
