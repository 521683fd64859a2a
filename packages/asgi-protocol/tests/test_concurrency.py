import asyncio
import contextvars
import functools
import threading
import time
from collections.abc import Iterator
from typing import Any
from unittest.mock import create_autospec

import pytest

from asgi_protocol.concurrency import (
    is_async_callable,
    iterate_in_threadpool,
    run_in_threadpool,
    run_until_first_complete,
)

var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")


async def test_run_in_threadpool_runs_off_the_loop_thread_with_context() -> None:
    var.set("set")

    def work(a: int, *, b: int) -> tuple[int, str, bool]:
        return a + b, var.get(), threading.current_thread() is threading.main_thread()

    assert await run_in_threadpool(work, 1, b=2) == (3, "set", False)


async def test_run_in_threadpool_propagates_exceptions() -> None:
    def boom() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        await run_in_threadpool(boom)


async def test_iterate_in_threadpool_yields_every_item() -> None:
    assert [x async for x in iterate_in_threadpool(iter([1, 2, 3]))] == [1, 2, 3]
    empty: list[int] = []
    assert [x async for x in iterate_in_threadpool(empty)] == []


def closing_source(closed: threading.Event, started: threading.Event | None = None) -> Any:
    def numbers() -> Iterator[int]:
        try:
            for n in range(1000):
                if started is not None and n == 1:
                    started.set()
                    time.sleep(0.2)  # a slow pull, still running when the consumer leaves
                yield n
        finally:
            closed.set()

    return numbers()


# The tests keep a reference to the generator: garbage collection alone would close it once the
# last reference goes; the point is that it's closed even while something else still holds it.


async def test_abandoned_iteration_closes_the_source() -> None:
    closed = threading.Event()
    source = closing_source(closed)
    stream = iterate_in_threadpool(source)
    assert await stream.__anext__() == 0
    await stream.aclose()
    assert await asyncio.to_thread(closed.wait, 5)


async def test_cancelled_mid_pull_closes_the_source_after_the_pull() -> None:
    closed, started = threading.Event(), threading.Event()
    source = closing_source(closed, started)
    stream = iterate_in_threadpool(source)

    async def consume() -> None:
        async for _ in stream:
            pass

    task = asyncio.create_task(consume())
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not closed.is_set()  # the pull in flight still holds the generator
    assert await asyncio.to_thread(closed.wait, 5)


async def test_finished_or_failed_sources_and_plain_iterators() -> None:
    closed = threading.Event()

    def short() -> Iterator[int]:
        try:
            yield 1
        finally:
            closed.set()

    assert [x async for x in iterate_in_threadpool(short())] == [1]
    assert closed.is_set()  # ran to its end: nothing left to close

    def failing() -> Iterator[int]:
        yield 1
        raise KeyError("x")

    with pytest.raises(KeyError):
        _ = [x async for x in iterate_in_threadpool(failing())]
    plain = iterate_in_threadpool(iter([1, 2]))  # a list iterator has no close()
    assert await plain.__anext__() == 1
    await plain.aclose()


async def test_run_until_first_complete_cancels_the_rest() -> None:
    cancelled = asyncio.Event()

    async def quick() -> None:
        return None

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    await run_until_first_complete((quick, {}), (slow, {}))
    assert cancelled.is_set()


async def test_run_until_first_complete_raises_the_first_error() -> None:
    async def fail(message: str) -> None:
        raise ValueError(message)

    async def slow() -> None:
        await asyncio.sleep(10)

    with pytest.raises(ValueError, match="bad"):
        await run_until_first_complete((fail, {"message": "bad"}), (slow, {}))


def test_is_async_callable() -> None:
    async def afunc() -> None: ...

    def func() -> None: ...

    class AsyncCall:
        async def __call__(self) -> None: ...

        async def method(self) -> None: ...

    class SyncCall:
        def __call__(self) -> None: ...

    assert is_async_callable(afunc)
    assert is_async_callable(functools.partial(functools.partial(afunc, b=2), a=1))
    assert is_async_callable(AsyncCall())
    assert is_async_callable(AsyncCall().method)
    assert is_async_callable(functools.partial(AsyncCall(), 1))
    # Calling a class builds an instance, whatever its __call__ is.
    assert not is_async_callable(AsyncCall)
    assert not is_async_callable(func)
    assert not is_async_callable(functools.partial(func))
    assert not is_async_callable(SyncCall())
    assert not is_async_callable(print)
    assert not is_async_callable(object())


def test_is_async_callable_sees_mocks_of_async_functions() -> None:
    async def afunc() -> None: ...

    assert is_async_callable(create_autospec(afunc))
