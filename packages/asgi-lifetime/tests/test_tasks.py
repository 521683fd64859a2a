import asyncio
import inspect
import logging
import threading

import pytest

from asgi_lifetime import AppTasks


async def test_start_coroutine_and_drain_on_close() -> None:
    done: list[str] = []

    async def work(tag: str) -> None:
        await asyncio.sleep(0.01)
        done.append(tag)

    tasks = AppTasks(grace_period=1)
    tasks.start(work("a"))
    tasks.start(work, "b", name="named")
    assert len(tasks) == 2
    await tasks.aclose()
    assert sorted(done) == ["a", "b"]
    assert len(tasks) == 0
    assert tasks.closed


async def test_async_function_kwargs_and_task_name() -> None:
    async def work(*, value: int) -> int:
        return value * 2

    async with AppTasks() as tasks:
        task = tasks.start(work, value=21, name="double")
        assert task.get_name() == "double"
        assert await task == 42


async def test_sync_function_runs_in_a_thread() -> None:
    seen: list[bool] = []

    def work(x: int) -> int:
        seen.append(threading.current_thread() is threading.main_thread())
        return x + 1

    async with AppTasks() as tasks:
        assert await tasks.start(work, 1) == 2
    assert seen == [False]


async def test_callable_object_with_async_call() -> None:
    class Job:
        async def __call__(self) -> str:
            return "ran"

    async with AppTasks() as tasks:
        assert await tasks.start(Job()) == "ran"


async def test_failure_is_logged_not_lost(caplog: pytest.LogCaptureFixture) -> None:
    async def boom() -> None:
        raise ValueError("kaput")

    with caplog.at_level(logging.ERROR, logger="asgi_lifetime.tasks"):
        async with AppTasks() as tasks:
            task = tasks.start(boom, name="boomer")
            await asyncio.wait([task])
    [record] = caplog.records
    assert "boomer" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)


async def test_custom_logger(caplog: pytest.LogCaptureFixture) -> None:
    async def boom() -> None:
        raise ValueError("kaput")

    log = logging.getLogger("mine")
    with caplog.at_level(logging.ERROR, logger="mine"):
        async with AppTasks(log=log) as tasks:
            tasks.start(boom)
    assert [r.name for r in caplog.records] == ["mine"]


async def test_grace_period_then_cancel(caplog: pytest.LogCaptureFixture) -> None:
    cancelled = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    tasks = AppTasks(grace_period=0.01)
    task = tasks.start(forever, name="sleeper")
    with caplog.at_level(logging.WARNING, logger="asgi_lifetime.tasks"):
        await tasks.aclose()
    assert cancelled.is_set()
    assert task.cancelled()
    assert "sleeper" in caplog.text
    assert "grace period" in caplog.text


async def test_close_with_nothing_running() -> None:
    tasks = AppTasks()
    await tasks.aclose()
    assert tasks.closed


async def test_start_after_close_refused() -> None:
    async def work() -> None:
        pass

    tasks = AppTasks()
    await tasks.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        tasks.start(work)
    coro = work()
    with pytest.raises(RuntimeError, match="closed"):
        tasks.start(coro)
    assert inspect.getcoroutinestate(coro) == "CORO_CLOSED"  # closed, so no "never awaited" warning


async def test_bad_arguments() -> None:
    async def work() -> None:
        pass

    tasks = AppTasks()
    coro = work()
    with pytest.raises(TypeError, match="not with a coroutine"):
        tasks.start(coro, 1)
    assert inspect.getcoroutinestate(coro) == "CORO_CLOSED"
    with pytest.raises(TypeError, match="coroutine or a callable"):
        tasks.start(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grace_period"):
        AppTasks(grace_period=-1)
