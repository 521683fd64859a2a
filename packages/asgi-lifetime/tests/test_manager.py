"""`LifespanManager` and the `LifespanDriver` under it: one set of client-side rules."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from asgi_lifetime import (
    Lifespan,
    LifespanDriver,
    LifespanError,
    LifespanManager,
    LifespanNotSupported,
    LifespanProtocolError,
    LifespanShutdownFailed,
    LifespanStartupFailed,
)
from asgi_protocol.types import Message, Receive, Scope, Send


async def http_only(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http", "no lifespan here"


def scripted(*answers: Message | type[BaseException] | BaseException | None) -> Any:
    """An app that answers each lifespan message with the next item: a message to send, an
    exception to raise, or None to return."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        for answer in answers:
            await receive()
            if answer is None:
                return
            if isinstance(answer, dict):
                await send(answer)
                continue
            raise answer  # type: ignore[misc]

    return app


COMPLETE = {"type": "lifespan.startup.complete"}
DONE = {"type": "lifespan.shutdown.complete"}


async def test_runs_startup_and_shutdown_and_exposes_state() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[dict[str, Any]]:
        events.append("start")
        yield {"answer": 42}
        events.append("stop")

    async with LifespanManager(Lifespan(http_only, lifespan=lifespan)) as manager:
        assert events == ["start"]
        assert manager.state["answer"] == 42
    assert events == ["start", "stop"]


async def test_the_apps_own_exception_comes_out_unwrapped() -> None:
    def fail() -> None:
        raise ValueError("no database")

    # The runner reports startup.failed, then re-raises: the caller gets the ValueError.
    with pytest.raises(ValueError, match="no database"):
        async with LifespanManager(Lifespan(http_only, on_startup=[fail])):
            pass  # pragma: no cover
    # An app that raises before any answer (a broken middleware): not "unsupported".
    with pytest.raises(AssertionError, match="no lifespan here"):
        async with LifespanManager(http_only):
            pass  # pragma: no cover
    with pytest.raises(OSError, match="crash"):
        async with LifespanManager(scripted(COMPLETE, OSError("crash"))):
            pass


async def test_failed_without_an_exception_is_typed() -> None:
    failed = {"type": "lifespan.startup.failed", "message": "no database"}
    with pytest.raises(LifespanStartupFailed, match="startup failed: no database") as info:
        async with LifespanManager(scripted(failed, None)):
            pass  # pragma: no cover
    assert info.value.message == "no database"
    assert isinstance(info.value, LifespanError)
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(LifespanStartupFailed, match=r"^Lifespan startup failed$"):
        async with LifespanManager(scripted({"type": "lifespan.startup.failed"}, None)):
            pass  # pragma: no cover
    shutdown_failed = {"type": "lifespan.shutdown.failed", "message": "disk full"}
    with pytest.raises(LifespanShutdownFailed, match="shutdown failed: disk full"):
        async with LifespanManager(scripted(COMPLETE, shutdown_failed, None)):
            pass
    with pytest.raises(LifespanShutdownFailed, match=r"^Lifespan shutdown failed$"):
        async with LifespanManager(scripted(COMPLETE, {"type": "lifespan.shutdown.failed"})):
            pass


async def test_failed_then_hanging_is_cancelled_after_the_grace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(LifespanDriver, "failure_grace", 0.01)
    cancelled: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "later"})
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    with pytest.raises(LifespanStartupFailed, match="later"):
        async with LifespanManager(app):
            pass  # pragma: no cover
    assert cancelled == [True]


async def test_returning_without_answering_is_not_tolerated() -> None:
    with pytest.raises(LifespanNotSupported, match="returned without answering 'lifespan.startup'"):
        async with LifespanManager(scripted(None)):
            pass  # pragma: no cover
    with pytest.raises(LifespanProtocolError, match="without answering 'lifespan.shutdown'"):
        async with LifespanManager(scripted(COMPLETE, None)):
            pass


async def test_an_app_answering_like_http_does_not_speak_lifespan() -> None:
    http = scripted({"type": "http.response.start", "status": 200})
    driver = LifespanDriver(http)
    assert await driver.startup() is False
    await driver.shutdown()  # nothing to shut down
    # ... which the manager, asked to run a lifespan, reports.
    with pytest.raises(LifespanNotSupported, match="non-lifespan message"):
        async with LifespanManager(http):
            pass  # pragma: no cover


async def test_lifespan_messages_out_of_place() -> None:
    with pytest.raises(
        LifespanProtocolError, match=r"'lifespan.shutdown.complete' during lifespan startup"
    ):
        async with LifespanManager(scripted(DONE)):
            pass  # pragma: no cover
    with pytest.raises(
        LifespanProtocolError, match=r"'lifespan.startup.complete' during lifespan shutdown"
    ):
        async with LifespanManager(scripted(COMPLETE, COMPLETE)):
            pass


async def test_timeouts_cancel_the_app() -> None:
    async def slow_start(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(3600)

    with pytest.raises(TimeoutError, match=r"startup within 0\.01 seconds"):
        async with LifespanManager(slow_start, startup_timeout=0.01):
            pass  # pragma: no cover

    async def slow_stop(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(COMPLETE)
        await receive()
        await asyncio.sleep(3600)

    with pytest.raises(TimeoutError, match=r"shutdown within 0\.01 seconds"):
        async with LifespanManager(slow_stop, shutdown_timeout=0.01):
            pass


async def test_a_cancelled_caller_cancels_the_app() -> None:
    cancelled = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    driver = LifespanDriver(app)
    task = asyncio.create_task(driver.startup())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


async def test_an_exception_after_shutdown_complete_is_raised() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(COMPLETE)
        await receive()
        await send(DONE)
        raise KeyError("late")

    with pytest.raises(KeyError, match="late"):
        async with LifespanManager(app):
            pass


async def test_enter_only_once() -> None:
    manager = LifespanManager(Lifespan(http_only))
    async with manager:
        with pytest.raises(RuntimeError, match="only once"):
            await manager.__aenter__()
    driver = LifespanDriver(Lifespan(http_only))
    assert await driver.startup()
    with pytest.raises(RuntimeError, match="only once"):
        await driver.startup()
    await driver.shutdown()


async def test_app_tasks_reachable_from_state() -> None:
    results: list[int] = []

    async def job(n: int) -> None:
        results.append(n)

    async with LifespanManager(Lifespan(http_only)) as manager:
        manager.state["tasks"].start(job, 7)
    assert results == [7]
