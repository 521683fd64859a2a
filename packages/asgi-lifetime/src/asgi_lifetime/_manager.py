"""`LifespanManager`: run any ASGI app's lifespan from a test or a client.

Clients that call the app in-process (httpx's ASGITransport, a hand-written driver) don't send
lifespan events; wrap them in `async with LifespanManager(app) as manager:` and the app starts
up before the block and shuts down after it, with `manager.state` holding the lifespan state.
The rules are `LifespanDriver`'s (the test client drives lifespans through it too).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from asgi_lifetime._driver import LifespanDriver
from asgi_lifetime.exceptions import LifespanNotSupported
from asgi_protocol.types import ASGIApp


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
        self._driver = LifespanDriver(
            app, self.state, startup_timeout=startup_timeout, shutdown_timeout=shutdown_timeout
        )
        self._entered = False

    async def __aenter__(self) -> LifespanManager:
        if self._entered:
            raise RuntimeError("A LifespanManager can be entered only once")
        self._entered = True
        if not await self._driver.startup():
            # Here the caller asked for a lifespan: an app without one is an error.
            raise LifespanNotSupported(
                "The app answered 'lifespan.startup' with a non-lifespan message: "
                "it does not support the lifespan protocol"
            )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._driver.shutdown()
