"""App-scoped background work: started from handlers, drained (or cancelled) at shutdown.

A bare `asyncio.create_task` is easy to lose: nobody awaits it at shutdown and its exception is
only printed by the garbage collector. `AppTasks` keeps every task it starts, logs each failure
as it happens, and on close waits up to a grace period before cancelling what is left.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

from asgi_protocol.concurrency import is_async_callable, run_in_threadpool

logger = logging.getLogger("asgi_lifetime.tasks")


class AppTasks:
    """A task group that lives as long as the app: `start()` work, `aclose()` at shutdown."""

    def __init__(self, grace_period: float = 5.0, *, log: logging.Logger | None = None) -> None:
        if grace_period < 0:
            raise ValueError(f"grace_period must be >= 0 seconds, got {grace_period!r}")
        self.grace_period = grace_period
        self._log = log or logger
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        """How many tasks are still running."""
        return len(self._tasks)

    def start(
        self,
        work: Coroutine[Any, Any, Any] | Callable[..., Any],
        *args: Any,
        name: str | None = None,
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        """Run `work` (a coroutine, an async function or a sync function) in the background.

        Sync functions run in a worker thread so they can't block the event loop.
        """
        if self._closed:
            if inspect.iscoroutine(work):
                work.close()  # never awaited: close it so Python doesn't warn about it
            raise RuntimeError("Cannot start a task: the app's task group is closed (shut down)")
        coro: Coroutine[Any, Any, Any]
        if inspect.iscoroutine(work):
            if args or kwargs:
                work.close()
                raise TypeError("Pass arguments to the function, not with a coroutine object")
            coro = work
        elif callable(work):
            result = _call(work, args, kwargs)
            coro = result
        else:
            raise TypeError(f"AppTasks.start() needs a coroutine or a callable, got {work!r}")
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()  # also marks it retrieved, so asyncio doesn't warn again
        if exc is not None:
            self._log.error("Background task %r failed", task.get_name(), exc_info=exc)

    async def aclose(self) -> None:
        """Refuse new work, wait up to the grace period, then cancel what is still running."""
        self._closed = True
        if not self._tasks:
            return
        pending = set(self._tasks)
        _, still_running = await asyncio.wait(pending, timeout=self.grace_period)
        if not still_running:
            return
        for task in still_running:
            self._log.warning(
                "Background task %r still running after %ss grace period: cancelling it",
                task.get_name(),
                self.grace_period,
            )
            task.cancel()
        await asyncio.wait(still_running)

    async def __aenter__(self) -> AppTasks:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _call(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Coroutine[Any, Any, Any]:
    """A coroutine running `func`: awaited directly if async, in a worker thread if sync."""
    if is_async_callable(func):
        coro: Coroutine[Any, Any, Any] = func(*args, **kwargs)
        return coro
    return run_in_threadpool(func, *args, **kwargs)
