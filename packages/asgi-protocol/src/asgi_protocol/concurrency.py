"""Run blocking code without blocking the loop: asyncio's default executor, contextvars kept."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_DONE = object()


async def run_in_threadpool(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call `func` in the default thread pool, inside a copy of the current context."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(None, call)


def _next(iterator: Iterator[T]) -> Any:
    # StopIteration can't cross a Future, so the end is signalled with a sentinel.
    return next(iterator, _DONE)


async def iterate_in_threadpool(iterable: Iterable[T]) -> AsyncIterator[T]:
    """Pull each item of a blocking iterable in the thread pool."""
    iterator = iter(iterable)
    while (item := await run_in_threadpool(_next, iterator)) is not _DONE:
        yield item


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


__all__ = ["iterate_in_threadpool", "run_in_threadpool", "run_until_first_complete"]
