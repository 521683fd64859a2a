"""Run blocking code without blocking the loop, contextvars kept.

The threads are anyio's worker threads when anyio is installed (the `anyio` extra), so sync
code written for Starlette keeps working: `anyio.from_thread.run(...)` inside a sync endpoint
or handler, and `anyio.to_thread.current_default_thread_limiter()` sizing the pool. Without
anyio they are asyncio's default executor.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import sys
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator
from os import PathLike
from types import ModuleType
from typing import IO, Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_DONE = object()

if sys.version_info >= (3, 12):  # pragma: no cover - one branch per Python version
    from inspect import iscoroutinefunction
else:  # pragma: no cover
    # Before 3.12 only asyncio's check knows the marker that mocks of async functions carry.
    from asyncio import iscoroutinefunction


def is_async_callable(obj: Any) -> bool:
    """Whether calling `obj` gives a coroutine: an async function or method, a partial of one,
    or an object whose `__call__` is async.

    A class is never async here, even with an async `__call__`: calling it builds an instance.
    """
    while isinstance(obj, functools.partial):
        obj = obj.func
    if iscoroutinefunction(obj):
        return True
    if inspect.isclass(obj):
        return False
    call = getattr(obj, "__call__", None)  # noqa: B004 - the method itself is what is checked
    return call is not None and iscoroutinefunction(call)


@functools.cache
def installed_anyio() -> ModuleType | None:
    """The anyio module when it can be imported, else None; looked up once."""
    try:
        import anyio.to_thread
    except ImportError:
        return None
    return anyio


async def run_in_threadpool(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call `func` in a worker thread, inside a copy of the current context."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    anyio = installed_anyio()
    if anyio is not None:
        result: T = await anyio.to_thread.run_sync(call)
        return result
    return await asyncio.get_running_loop().run_in_executor(None, call)


async def open_in_threadpool(path: str | PathLike[str]) -> IO[bytes]:
    """Open a file for binary reading in a worker thread.

    With anyio installed this goes through `anyio.open_file` (the file returned is the one it
    wraps), so whatever watches anyio's file opening, as tests written for Starlette do, sees
    these files too.
    """
    anyio = installed_anyio()
    if anyio is not None:
        opened = await anyio.open_file(path, "rb")
        wrapped: IO[bytes] = opened.wrapped
        return wrapped
    return await run_in_threadpool(open, path, "rb")


class _BlockingSource:
    """A blocking iterator that one thread at a time may advance or close."""

    def __init__(self, iterable: Iterable[T]) -> None:
        self.iterator: Iterator[T] = iter(iterable)
        self.lock = threading.Lock()

    def next(self) -> Any:
        with self.lock:
            # StopIteration can't cross a Future, so the end is signalled with a sentinel.
            return next(self.iterator, _DONE)

    def close(self) -> None:
        with self.lock:  # waits for a pull still running in another thread
            close = getattr(self.iterator, "close", None)
            if close is not None:
                close()


async def iterate_in_threadpool(iterable: Iterable[T]) -> AsyncGenerator[T, None]:
    """Pull each item of a blocking iterable in the thread pool.

    Abandoned early (closed, cancelled: say the client went away mid-stream), it closes the
    source too, so a generator's `finally` and `with` blocks run and release what they hold.
    """
    source = _BlockingSource(iterable)
    finished = False
    try:
        while (item := await run_in_threadpool(source.next)) is not _DONE:
            yield item
        finished = True
    finally:
        if not finished:
            # In a thread, after any pull in flight; not awaited, so cancellation isn't held up.
            asyncio.get_running_loop().run_in_executor(None, source.close)


async def run_until_first_complete(
    *args: tuple[Callable[..., Awaitable[Any]], dict[str, Any]],
) -> None:
    """Run the calls concurrently; when the first returns, cancel the others and wait for them."""
    tasks = [asyncio.ensure_future(func(**kwargs)) for func, kwargs in args]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        task.result()  # re-raise the first finisher's exception, if any


__all__ = [
    "is_async_callable",
    "iterate_in_threadpool",
    "open_in_threadpool",
    "run_in_threadpool",
    "run_until_first_complete",
]
