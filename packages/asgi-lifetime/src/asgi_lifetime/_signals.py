"""Hearing the server's stop signals too, by chaining the handlers it installed.

No ASGI message says "the server is stopping" before its open connections finish (the
lifespan shutdown comes after them), and uvicorn's HTTP connections are told nothing at all. What
every server that stops gracefully does is install a SIGTERM/SIGINT handler before the lifespan
startup: with `signal.signal` (uvicorn) or the loop's `add_signal_handler` (hypercorn, granian),
which leaves a do-nothing Python handler in place and is woken through the loop's wakeup fd.
Chaining onto that handler hears the signal first and leaves the server's behaviour untouched.

Rules: only a signal that already has a Python handler is chained (a process whose SIGTERM
still kills it keeps that default); only from the main thread (the only one that may); the undo
restores the server's handler only when ours is still the one installed.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["STOP_SIGNALS", "chain_stop_signals", "nothing"]

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGBREAK") if hasattr(signal, name)
)

Handler = Callable[[int, FrameType | None], Any]


def nothing() -> None:
    """A call that does nothing: the undo of a chain that installed nothing, and the shutdown
    step of a lifespan that made no signal."""


def chain_stop_signals(callback: Callable[[str], None]) -> Callable[[], None]:
    """At each stop signal, call `callback(name)` on the running loop, then the server's handler.

    Returns the undo. Nothing is installed outside the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return nothing
    loop = asyncio.get_running_loop()
    installed: dict[signal.Signals, tuple[Handler, Handler]] = {}
    for signum in STOP_SIGNALS:
        previous = signal.getsignal(signum)
        if not callable(previous):  # SIG_DFL, SIG_IGN, or set outside Python: nobody listens
            continue
        handler = _chained(loop, callback, previous)
        signal.signal(signum, handler)
        installed[signum] = (handler, previous)

    def undo() -> None:
        for signum, (handler, previous) in installed.items():
            if signal.getsignal(signum) is handler:
                signal.signal(signum, previous)

    return undo


def _chained(
    loop: asyncio.AbstractEventLoop, callback: Callable[[str], None], previous: Handler
) -> Handler:
    def handler(signum: int, frame: FrameType | None) -> None:
        # A signal handler interrupts whatever the main thread runs, the loop included: the
        # callback runs on the loop, woken through its self-pipe, never from here.
        if not loop.is_closed():
            loop.call_soon_threadsafe(callback, signal.Signals(signum).name)
        previous(signum, frame)

    return handler
