"""Run an app's lifespan on the portal: startup on `with` entry, shutdown on exit.

An app that raises on the lifespan scope before completing startup is taken not to support
lifespan, as servers do; an app that reports `*.failed` makes the test fail with its message.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgi_protocol.types import ASGIApp, Message

from ._errors import ASGIProtocolError, LifespanError
from ._portal import Portal
from ._scope import ASGI_VERSION


def _foreign(message: Message) -> bool:
    return not str(message.get("type", "")).startswith("lifespan.")


class LifespanRunner:
    """One lifespan conversation; `state` is the dict the app fills (scope["state"])."""

    # How long to wait, after `*.failed`, for the exception the app may raise next.
    failure_grace = 1.0

    def __init__(self, app: ASGIApp, portal: Portal, state: dict[str, Any]) -> None:
        self.app = app
        self.portal = portal
        self.state = state
        self.supported = True
        self._inbox: asyncio.Queue[Message] | None = None
        self._outbox: asyncio.Queue[Message | BaseException | None] | None = None
        self._task: asyncio.Task[None] | None = None

    async def _start(self) -> None:
        self._inbox, self._outbox = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": dict(ASGI_VERSION), "state": self.state}
        self._task = asyncio.create_task(self._run(scope, self._inbox, self._outbox))

    async def _run(
        self,
        scope: dict[str, Any],
        inbox: asyncio.Queue[Message],
        outbox: asyncio.Queue[Message | BaseException | None],
    ) -> None:
        async def receive() -> Message:
            return await inbox.get()

        async def send(message: Message) -> None:
            await outbox.put(message)

        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            await outbox.put(exc)
        else:
            await outbox.put(None)

    async def _step(self, message: Message) -> Message | BaseException | None:
        assert self._inbox is not None
        assert self._outbox is not None
        await self._inbox.put(message)
        return await self._outbox.get()

    def startup(self) -> None:
        """Send `lifespan.startup`; raise `LifespanError` if the app reports failure."""
        self.portal.call(self._start())
        reply = self.portal.call(self._step({"type": "lifespan.startup"}))
        if reply is None or isinstance(reply, BaseException) or _foreign(reply):
            # The app does not speak lifespan (it raised, returned at once, or answered as if
            # this were an HTTP request): carry on without, as servers do.
            self.supported = False
            return
        self._expect(reply, "lifespan.startup")

    def shutdown(self) -> None:
        """Send `lifespan.shutdown`; raise what the app reports or raises."""
        if not self.supported:
            return
        reply = self.portal.call(self._step({"type": "lifespan.shutdown"}))
        if isinstance(reply, BaseException):
            raise reply
        if reply is None:
            raise ASGIProtocolError("the app returned without 'lifespan.shutdown.complete'")
        self._expect(reply, "lifespan.shutdown")
        self.portal.call(self._wait())

    async def _app_error(self) -> BaseException | None:
        assert self._outbox is not None
        try:
            outcome = await asyncio.wait_for(self._outbox.get(), self.failure_grace)
        except TimeoutError:
            return None
        return outcome if isinstance(outcome, BaseException) else None

    async def _wait(self) -> None:
        assert self._task is not None
        await self._task

    def _expect(self, reply: Message, phase: str) -> None:
        kind = reply.get("type")
        if kind == f"{phase}.complete":
            return
        if kind == f"{phase}.failed":
            error = LifespanError(f"{phase} failed: {reply.get('message', '')}")
            # Frameworks usually raise the original error right after `.failed`: chain it.
            raise error from self.portal.call(self._app_error())
        raise ASGIProtocolError(f"the app sent {kind!r} during {phase}")
