import contextvars
import functools
import threading

import pytest

from asgi_protocol.concurrency import is_async_callable
from asgi_tasks import BackgroundTask, BackgroundTasks

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


async def test_async_task_runs_on_the_loop_thread() -> None:
    seen: list[tuple[int, str]] = []

    async def record(value: int, *, label: str) -> None:
        seen.append((value, label))

    await BackgroundTask(record, 1, label="a")()
    assert seen == [(1, "a")]


async def test_sync_task_runs_in_a_thread_and_keeps_contextvars() -> None:
    seen: list[tuple[bool, str]] = []
    request_id.set("abc")

    def record() -> None:
        seen.append((threading.current_thread() is threading.main_thread(), request_id.get()))

    await BackgroundTask(record)()
    assert seen == [(False, "abc")]


def test_async_detection_sees_partials_and_async_call_objects() -> None:
    async def coro() -> None: ...

    class AsyncCallable:
        async def __call__(self) -> None: ...

    class SyncCallable:
        def __call__(self) -> None: ...

    assert is_async_callable(functools.partial(functools.partial(coro)))
    assert is_async_callable(AsyncCallable())
    assert not is_async_callable(SyncCallable())
    assert not is_async_callable(print)


async def test_tasks_run_in_order() -> None:
    order: list[str] = []

    async def first() -> None:
        order.append("first")

    def second(x: str) -> None:
        order.append(x)

    tasks = BackgroundTasks([BackgroundTask(first)])
    tasks.add_task(second, "second")
    await tasks()
    assert order == ["first", "second"]


async def test_an_exception_stops_the_run_and_propagates() -> None:
    ran: list[str] = []

    def boom() -> None:
        raise RuntimeError("task failed")

    tasks = BackgroundTasks()
    tasks.add_task(boom)
    tasks.add_task(ran.append, "never")
    with pytest.raises(RuntimeError, match="task failed"):
        await tasks()
    assert ran == []


async def test_empty_tasks_do_nothing() -> None:
    await BackgroundTasks()()
