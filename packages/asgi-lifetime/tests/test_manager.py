import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from asgi_lifetime import (
    Lifespan,
    LifespanError,
    LifespanManager,
    LifespanNotSupported,
    LifespanShutdownFailed,
    LifespanStartupFailed,
)
from asgi_protocol.types import Receive, Scope, Send


async def http_only(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http", "no lifespan here"


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


async def test_startup_failed_is_typed() -> None:
    def fail() -> None:
        raise ValueError("no database")

    with pytest.raises(LifespanStartupFailed, match="no database") as info:
        async with LifespanManager(Lifespan(http_only, on_startup=[fail])):
            pass
    assert info.value.message == "no database"
    assert isinstance(info.value, LifespanError)


async def test_startup_failed_without_message() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed"})

    with pytest.raises(LifespanStartupFailed, match=r"^Lifespan startup failed$"):
        async with LifespanManager(app):
            pass


async def test_app_without_lifespan_support_raising() -> None:
    with pytest.raises(LifespanNotSupported, match="AssertionError") as info:
        async with LifespanManager(http_only):
            pass
    assert isinstance(info.value.__cause__, AssertionError)


async def test_app_without_lifespan_support_returning() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        return

    with pytest.raises(LifespanNotSupported, match="returned"):
        async with LifespanManager(app):
            pass


async def test_unexpected_message_at_startup() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start"})

    with pytest.raises(RuntimeError, match=r"startup: 'http.response.start'"):
        async with LifespanManager(app):
            pass


async def test_startup_timeout() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(3600)

    with pytest.raises(TimeoutError, match=r"startup within 0\.01 seconds"):
        async with LifespanManager(app, startup_timeout=0.01):
            pass


async def test_shutdown_timeout() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await asyncio.sleep(3600)

    with pytest.raises(TimeoutError, match=r"shutdown within 0\.01 seconds"):
        async with LifespanManager(app, shutdown_timeout=0.01):
            pass


async def test_shutdown_failed_is_typed() -> None:
    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(LifespanShutdownFailed, match="disk full") as info:
        async with LifespanManager(Lifespan(http_only, on_shutdown=[fail])):
            pass
    assert info.value.message == "disk full"


async def test_shutdown_failed_without_message() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.failed"})

    with pytest.raises(LifespanShutdownFailed, match=r"^Lifespan shutdown failed$"):
        async with LifespanManager(app):
            pass


async def test_app_raising_during_shutdown() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        raise ValueError("crash")

    with pytest.raises(LifespanShutdownFailed, match="crash") as info:
        async with LifespanManager(app):
            pass
    assert isinstance(info.value.__cause__, ValueError)


async def test_app_returning_during_shutdown() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()

    with pytest.raises(LifespanShutdownFailed, match="returned without answering"):
        async with LifespanManager(app):
            pass


async def test_unexpected_message_at_shutdown() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.startup.complete"})

    with pytest.raises(RuntimeError, match=r"shutdown: 'lifespan.startup.complete'"):
        async with LifespanManager(app):
            pass


async def test_enter_only_once() -> None:
    manager = LifespanManager(Lifespan(http_only))
    async with manager:
        with pytest.raises(RuntimeError, match="only once"):
            await manager.__aenter__()


async def test_app_tasks_reachable_from_state() -> None:
    results: list[int] = []

    async def job(n: int) -> None:
        results.append(n)

    async with LifespanManager(Lifespan(http_only)) as manager:
        manager.state["tasks"].start(job, 7)
    assert results == [7]
