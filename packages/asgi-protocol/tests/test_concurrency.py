import asyncio
import contextvars
import threading

import pytest

from asgi_protocol.concurrency import (
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
    assert [x async for x in iterate_in_threadpool([])] == []


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
