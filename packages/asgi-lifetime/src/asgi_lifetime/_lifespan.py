"""`Lifespan`: answer the ASGI lifespan protocol in front of any app.

The wrapped app never sees a "lifespan" scope, so this also gives startup and shutdown to an
app that has none (a Django Channels router, a hand-written callable). HTTP and WebSocket
scopes pass straight through: one string comparison per request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from asgi_lifetime._runner import LifespanFactory, LifespanRunner
from asgi_lifetime._tasks import AppTasks
from asgi_protocol.types import ASGIApp, Receive, Scope, Send


class Lifespan:
    """Wrap `app`; run `on_startup`/`on_shutdown` hooks or one `lifespan(owner)` context.

    `owner` is what the lifespan context receives (default: `app`). The rules are
    `LifespanRunner`'s, the one every lifespan of the toolkit answers through.
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
        self.app = app
        self.runner = LifespanRunner(lifespan, on_startup, on_shutdown, grace_period=grace_period)
        self.owner = app if owner is None else owner

    @property
    def on_startup(self) -> list[Callable[[], Any]]:
        return self.runner.on_startup

    @property
    def on_shutdown(self) -> list[Callable[[], Any]]:
        return self.runner.on_shutdown

    @property
    def lifespan_context(self) -> LifespanFactory | None:
        return self.runner.lifespan_context

    @property
    def tasks(self) -> AppTasks:
        """The task group of the current (or last) run of the lifespan."""
        return self.runner.tasks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Hot path: every request goes through this one comparison.
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        await self.runner(scope, receive, send, self.owner)
