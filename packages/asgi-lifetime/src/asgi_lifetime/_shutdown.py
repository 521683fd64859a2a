"""`ShutdownSignal`: an app-level event set as soon as the server lets the app know it stops.

A server stopping gracefully waits for open connections before it sends the lifespan shutdown,
so an endless stream (SSE, a WebSocket) that waits for its client holds the server until the
client goes or a grace timeout cancels it, after which the lifespan shutdown runs before the
stream's `finally`. The signal is what such a handler awaits to end first, cleanly.

Each lifespan run puts a fresh one in the lifespan state under "shutdown"
(`asgi_protocol.datastructures.SHUTDOWN_STATE_KEY`): `request.state.shutdown`,
`websocket.state.shutdown`, `scope["state"]["shutdown"]`. It is set at the server's stop signal
where the server lets the app hear it (see `asgi_lifetime._signals`), and at the lifespan
shutdown at the latest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from asgi_lifetime._signals import chain_stop_signals, nothing
from asgi_protocol.datastructures import SHUTDOWN_STATE_KEY
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "SHUTDOWN_STATE_KEY",
    "ShutdownSignal",
    "ShutdownSignalMiddleware",
    "listen_for_shutdown",
]

T = TypeVar("T")

#: Why the signal was set when the lifespan shutdown set it (no stop signal came before).
LIFESPAN_SHUTDOWN = "lifespan.shutdown"


class ShutdownSignal(asyncio.Event):
    """Set once the server is stopping: `await shutdown.wait()`, `shutdown.is_set()`.

    `reason` says what set it: a signal's name ("SIGTERM", "SIGINT") or "lifespan.shutdown".
    No `__bool__`: `ShutdownSignal.of()` may give None, and `if shutdown:` must keep meaning
    "there is a signal", not "it is set".
    """

    def __init__(self) -> None:
        super().__init__()
        self.reason: str | None = None

    def __repr__(self) -> str:
        return f"<ShutdownSignal {'set by ' + repr(self.reason) if self.reason else 'unset'}>"

    def set(self, reason: str = "set") -> None:
        """Set the signal; the first reason given is kept."""
        if self.reason is None:
            self.reason = reason
        super().set()

    async def race(self, awaitable: Awaitable[T]) -> T | None:
        """`awaitable`'s result, or None (and it is cancelled) when the signal comes first.

        For a handler that waits on its client, `await shutdown.race(websocket.receive_text())`.
        """
        if self.is_set():
            if asyncio.iscoroutine(awaitable):
                awaitable.close()  # never started: no "never awaited" warning
            return None
        work = asyncio.ensure_future(awaitable)
        stop = asyncio.ensure_future(self.wait())
        try:
            await asyncio.wait((work, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not work.done():
                work.cancel()
                await asyncio.wait((work,))
        if work.cancelled():
            return None
        return work.result()

    @classmethod
    def of(cls, scope: Scope) -> ShutdownSignal | None:
        """The signal of the lifespan that runs `scope`'s app (None when no lifespan made one)."""
        signal = (scope.get("state") or {}).get(SHUTDOWN_STATE_KEY)
        return signal if isinstance(signal, cls) else None


def listen_for_shutdown(scope: Scope) -> Callable[[], None]:
    """Give a lifespan scope's state a fresh signal that hears the server's stop signals.

    Returns what to call at the lifespan shutdown: it sets the signal and stops listening. When
    the state already holds a signal (an outer lifespan's) or there is no state, nothing is
    done and the returned call does nothing.
    """
    state: dict[str, Any] | None = scope.get("state")
    if state is None or SHUTDOWN_STATE_KEY in state:
        return nothing
    signal = state[SHUTDOWN_STATE_KEY] = ShutdownSignal()
    undo = chain_stop_signals(signal.set)

    def stop_listening() -> None:
        undo()
        signal.set(LIFESPAN_SHUTDOWN)

    return stop_listening


class ShutdownSignalMiddleware:
    """Give any app (FastAPI, a Starlette app, Channels) the shutdown signal in its lifespan state.

    Only lifespan scopes are looked at: the signal goes into the state before the app sees
    `lifespan.startup`, and is set when the server sends `lifespan.shutdown`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        stop_listening = nothing

        async def receive_lifespan() -> Message:
            nonlocal stop_listening
            message = await receive()
            if message["type"] == "lifespan.startup":
                stop_listening = listen_for_shutdown(scope)
            else:  # lifespan.shutdown, the only other message
                stop_listening()
            return message

        try:
            await self.app(scope, receive_lifespan, send)
        finally:
            stop_listening()
