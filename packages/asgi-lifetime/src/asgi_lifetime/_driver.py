"""`LifespanDriver`: the client side of the lifespan protocol (what a server does at start).

It sends lifespan.startup and lifespan.shutdown to an app and reads the answers. Both the test
client (`with TestClient(app):`) and `LifespanManager` drive apps through it, so they agree on
every rule:

- an exception the app raises comes out as it is: never wrapped, never taken for "no lifespan";
- `*.failed` followed by an exception gives that exception; `*.failed` alone gives
  `LifespanStartupFailed` / `LifespanShutdownFailed` with the app's message;
- returning without answering startup is `LifespanNotSupported` (a middleware that swallows the
  lifespan scope looks exactly like this, so it is an error, not a shrug);
- answering startup with a message that is not a lifespan one is the one sign of an app that does
  not speak lifespan at all: `startup()` returns False and the conversation is over;
- a lifespan message out of place is `LifespanProtocolError`; no answer in time is TimeoutError;
- whenever the conversation ends early, the app's task is cancelled and awaited.

`optional=True` is the rule of uvicorn's `lifespan="auto"`, for apps that may have no lifespan
(the apps a router mounts): raising or returning before any answer to startup also means "no
lifespan here", and `startup()` returns False (what the app raised is kept in `skipped`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgi_lifetime.exceptions import (
    LifespanNotSupported,
    LifespanProtocolError,
    LifespanShutdownFailed,
    LifespanStartupFailed,
)
from asgi_protocol.types import ASGIApp, Message

LIFESPAN_ASGI = {"version": "3.0", "spec_version": "2.0"}


class LifespanDriver:
    """One lifespan conversation with `app`, on the running event loop.

    `state` is the lifespan state the app fills (the scope's "state"); timeouts of None wait
    for as long as the app takes; `optional` says whether an app without a lifespan is fine.
    """

    #: After `*.failed` or `shutdown.complete`, how long to wait for the app to return (and
    #: raise what it raises) before it is cancelled.
    failure_grace = 1.0

    def __init__(
        self,
        app: ASGIApp,
        state: dict[str, Any] | None = None,
        *,
        startup_timeout: float | None = None,
        shutdown_timeout: float | None = None,
        optional: bool = False,
    ) -> None:
        self.app = app
        self.optional = optional
        #: Why an optional lifespan was taken for none: what the app raised before answering.
        self.skipped: BaseException | None = None
        self.state: dict[str, Any] = {} if state is None else state
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        #: True between a completed startup and the shutdown.
        self.started = False
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message | None] = asyncio.Queue()  # None: the app ended
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": dict(LIFESPAN_ASGI), "state": self.state}
        try:
            await self.app(scope, self._to_app.get, self._from_app.put)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self._error = exc
        finally:
            self._from_app.put_nowait(None)

    async def _answer(self, timeout: float | None, phase: str) -> Message | None:
        try:
            async with asyncio.timeout(timeout):
                return await self._from_app.get()
        except TimeoutError:
            await self.aclose()
            raise TimeoutError(
                f"The app did not complete lifespan {phase} within {timeout} seconds"
            ) from None
        except BaseException:  # the caller was cancelled: so is the app
            await self.aclose()
            raise

    async def _outcome(self) -> BaseException | None:
        """Give the app `failure_grace` to return; what it raised, if anything."""
        assert self._task is not None
        await asyncio.wait([self._task], timeout=self.failure_grace)
        await self.aclose()
        return self._error

    async def startup(self) -> bool:
        """Send lifespan.startup; True once the app completed it, False if it does not speak
        lifespan at all. Raises as the module docstring says."""
        if self._task is not None:
            raise RuntimeError("A lifespan conversation can be started only once")
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._answer(self.startup_timeout, "startup")
        if message is None:
            if self.optional:
                self.skipped = self._error
                return False
            if self._error is not None:
                raise self._error
            raise LifespanNotSupported(
                "The app returned without answering 'lifespan.startup': it does not support "
                "the lifespan protocol, or a middleware in front of it dropped the lifespan scope"
            )
        kind = message.get("type")
        if kind == "lifespan.startup.complete":
            self.started = True
            return True
        if kind == "lifespan.startup.failed":
            error = await self._outcome()
            if error is not None:
                raise error
            raise LifespanStartupFailed(str(message.get("message", "")))
        await self.aclose()
        if not str(kind).startswith("lifespan."):
            return False
        raise LifespanProtocolError(f"The app sent {kind!r} during lifespan startup")

    async def shutdown(self) -> None:
        """Send lifespan.shutdown after a completed startup (otherwise do nothing)."""
        if not self.started:
            return
        self.started = False
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._answer(self.shutdown_timeout, "shutdown")
        if message is None:
            if self._error is not None:
                raise self._error
            raise LifespanProtocolError("The app returned without answering 'lifespan.shutdown'")
        kind = message.get("type")
        if kind in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
            error = await self._outcome()
            if error is not None:
                raise error
            if kind == "lifespan.shutdown.failed":
                raise LifespanShutdownFailed(str(message.get("message", "")))
            return
        await self.aclose()
        raise LifespanProtocolError(f"The app sent {kind!r} during lifespan shutdown")

    async def aclose(self) -> None:
        """Cancel the app's lifespan task if it is still running, and wait for it."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
