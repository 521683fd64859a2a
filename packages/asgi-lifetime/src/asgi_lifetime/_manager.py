"""`LifespanManager`: run any ASGI app's lifespan from a test or a client.

Clients that call the app in-process (httpx's ASGITransport, a hand-written driver) don't send
lifespan events; wrap them in `async with LifespanManager(app) as manager:` and the app starts
up before the block and shuts down after it, with `manager.state` holding the lifespan state.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from asgi_protocol.types import ASGIApp, Message


class LifespanError(Exception):
    """Base of the errors `LifespanManager` raises."""


class LifespanStartupFailed(LifespanError):
    """The app answered lifespan.startup.failed; `message` is what it sent."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(
            f"Lifespan startup failed: {message}" if message else "Lifespan startup failed"
        )


class LifespanShutdownFailed(LifespanError):
    """The app answered lifespan.shutdown.failed (or raised during shutdown)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(
            f"Lifespan shutdown failed: {message}" if message else "Lifespan shutdown failed"
        )


class LifespanNotSupported(LifespanError):
    """The app raised or returned before completing startup: it doesn't speak lifespan."""


# Put on the send queue when the app's coroutine ends, so a waiter never hangs on a dead app.
_APP_ENDED: Message = {"type": "asgi_lifetime.app_ended"}


class LifespanManager:
    """An async context manager that sends lifespan startup on enter and shutdown on exit."""

    def __init__(
        self, app: ASGIApp, startup_timeout: float = 5, shutdown_timeout: float = 5
    ) -> None:
        self.app = app
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        #: The lifespan state: what the app's lifespan yielded (copy it into request scopes).
        self.state: dict[str, Any] = {}
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    async def _run(self) -> None:
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        try:
            await self.app(scope, self._to_app.get, self._from_app.put)
        except Exception as exc:
            self._error = exc
        finally:
            self._from_app.put_nowait(_APP_ENDED)

    async def _next(self, timeout: float, phase: str) -> Message:
        try:
            return await asyncio.wait_for(self._from_app.get(), timeout)
        except TimeoutError:
            await self._stop()
            raise TimeoutError(
                f"The app did not complete lifespan {phase} within {timeout} seconds"
            ) from None

    async def _stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.wait([self._task])

    async def __aenter__(self) -> LifespanManager:
        if self._task is not None:
            raise RuntimeError("A LifespanManager can be entered only once")
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._next(self.startup_timeout, "startup")
        kind = message["type"]
        if kind == "lifespan.startup.complete":
            return self
        await self._stop()
        if kind == "lifespan.startup.failed":
            raise LifespanStartupFailed(message.get("message", ""))
        if kind == _APP_ENDED["type"]:
            raise LifespanNotSupported(
                "The app does not support the lifespan protocol (it "
                + ("raised " + repr(self._error) if self._error else "returned")
                + " before completing startup)"
            ) from self._error
        raise RuntimeError(f"Unexpected message from the app during lifespan startup: {kind!r}")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._next(self.shutdown_timeout, "shutdown")
        await self._stop()
        kind = message["type"]
        if kind == "lifespan.shutdown.complete":
            return
        if kind == "lifespan.shutdown.failed":
            raise LifespanShutdownFailed(message.get("message", ""))
        if kind == _APP_ENDED["type"]:
            detail = repr(self._error) if self._error else "the app returned without answering"
            raise LifespanShutdownFailed(detail) from self._error
        raise RuntimeError(f"Unexpected message from the app during lifespan shutdown: {kind!r}")
