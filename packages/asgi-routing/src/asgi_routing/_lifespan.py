"""A small lifespan runner for a bare Router (the full-featured one lives in asgi-lifetime)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from asgi_protocol.types import Receive, Scope, Send
from asgi_routing._utils import is_async_callable

LifespanFactory = Callable[[Any], AbstractAsyncContextManager[Mapping[str, Any] | None]]


async def _call(func: Callable[[], Any]) -> None:
    if is_async_callable(func):
        await func()
    else:
        func()


def lifespan_context(
    lifespan: Callable[[Any], AbstractAsyncContextManager[Any]] | None,
    on_startup: Sequence[Callable[[], Any]],
    on_shutdown: Sequence[Callable[[], Any]],
) -> LifespanFactory:
    """One context manager factory: startup hooks, the lifespan context, shutdown hooks."""

    @contextlib.asynccontextmanager
    async def context(app: Any) -> AsyncIterator[Mapping[str, Any] | None]:
        for func in on_startup:
            await _call(func)
        if lifespan is None:
            yield None
        else:
            async with lifespan(app) as state:
                yield state
        for func in on_shutdown:
            await _call(func)

    return context


async def run_lifespan(
    context: AbstractAsyncContextManager[Mapping[str, Any] | None],
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    """Speak the lifespan protocol around `context`; failures are reported, then re-raised."""
    started = False
    await receive()  # lifespan.startup
    try:
        async with context as state:
            if state is not None:
                if "state" not in scope:
                    raise RuntimeError('The server does not support "state" in the lifespan scope')
                scope["state"].update(state)
            await send({"type": "lifespan.startup.complete"})
            started = True
            await receive()  # lifespan.shutdown
    except BaseException as exc:
        phase = "shutdown" if started else "startup"
        await send({"type": f"lifespan.{phase}.failed", "message": repr(exc)})
        raise
    await send({"type": "lifespan.shutdown.complete"})


__all__ = ["lifespan_context", "run_lifespan"]
