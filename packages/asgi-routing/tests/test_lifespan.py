"""The Router's small lifespan: a context (maybe with state) plus startup/shutdown hooks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from routing_driver import lifespan

from asgi_lifetime import ShutdownSignal
from asgi_routing import Router

COMPLETE = [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


async def test_no_lifespan_completes() -> None:
    router = Router()
    assert await lifespan(router) == COMPLETE


async def test_hooks_run_in_order_sync_and_async() -> None:
    log: list[str] = []

    async def async_start() -> None:
        log.append("async start")

    router = Router(
        on_startup=[lambda: log.append("sync start"), async_start],
        on_shutdown=[lambda: log.append("stop")],
    )
    assert await lifespan(router) == COMPLETE
    assert log == ["sync start", "async start", "stop"]


def test_a_lifespan_and_hooks_together_are_refused() -> None:
    # One rule for every lifespan of the toolkit (asgi-lifetime's runner answers them all).
    @contextlib.asynccontextmanager
    async def context(app: Any) -> AsyncIterator[None]:
        yield  # pragma: no cover - never entered

    with pytest.raises(ValueError, match="not both"):
        Router(lifespan=context, on_startup=[print])
    router = Router(lifespan=context)
    with pytest.raises(ValueError, match="not both"):
        router.add_event_handler("shutdown", print)


async def test_the_lifespan_context_can_be_replaced() -> None:
    log: list[str] = []

    @contextlib.asynccontextmanager
    async def context(app: Any) -> AsyncIterator[None]:
        log.append(f"enter {type(app).__name__}")
        yield

    router = Router()
    assert router.lifespan_context is None
    router.lifespan_context = context  # as FastAPI-style code does
    assert router.lifespan_context is context
    assert await lifespan(router) == COMPLETE
    assert log == ["enter Router"]


async def test_state_is_merged() -> None:
    @contextlib.asynccontextmanager
    async def context(app: Any) -> AsyncIterator[dict[str, Any]]:
        yield {"db": "conn"}

    state: dict[str, Any] = {"existing": 1}
    router = Router(lifespan=context)
    assert await lifespan(router, state) == COMPLETE
    shutdown = state.pop("shutdown")
    assert isinstance(shutdown, ShutdownSignal)
    assert shutdown.is_set()  # set at shutdown
    assert state == {"existing": 1, "db": "conn", "tasks": router.lifespan_runner.tasks}


async def test_state_without_server_support_fails_startup() -> None:
    @contextlib.asynccontextmanager
    async def context(app: Any) -> AsyncIterator[dict[str, Any]]:
        yield {"db": "conn"}

    sent, exc = await _run_collecting(Router(lifespan=context), state=False)
    assert isinstance(exc, RuntimeError)
    assert 'does not support "state"' in str(exc)
    assert sent[0]["type"] == "lifespan.startup.failed"


async def test_async_generator_lifespan() -> None:
    log: list[str] = []

    async def context(app: Any) -> AsyncIterator[None]:
        log.append("up")
        yield
        log.append("down")

    assert await lifespan(Router(lifespan=context)) == COMPLETE  # type: ignore[arg-type]
    assert log == ["up", "down"]


async def _run_collecting(
    router: Router, state: bool = True
) -> tuple[list[Any], BaseException | None]:
    from asgi_protocol.types import Message

    queue: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[Any] = []

    async def receive() -> Message:
        return queue.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        await router(
            {"type": "lifespan", "state": {}} if state else {"type": "lifespan"}, receive, send
        )
    except Exception as exc:
        return sent, exc
    return sent, None  # pragma: no cover - every caller expects a failure


async def test_startup_failure_is_reported_and_raised() -> None:
    def boom() -> None:
        raise ValueError("no db")

    sent, exc = await _run_collecting(Router(on_startup=[boom]))
    assert await lifespan(Router()) == COMPLETE
    assert isinstance(exc, ValueError)
    assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
    assert sent[0]["message"].endswith("ValueError: no db\n")  # the traceback, for the log


async def test_shutdown_failure_is_reported_and_raised() -> None:
    async def boom() -> None:
        raise RuntimeError("stuck")

    sent, exc = await _run_collecting(Router(on_shutdown=[boom]))
    assert isinstance(exc, RuntimeError)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert sent[1]["message"].endswith("RuntimeError: stuck\n")


async def test_app_in_scope_is_passed_to_lifespan() -> None:
    seen: list[Any] = []
    marker = object()

    @contextlib.asynccontextmanager
    async def context(app: Any) -> AsyncIterator[None]:
        seen.append(app)
        yield

    router = Router(lifespan=context)
    from asgi_protocol.types import Message

    queue: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> Message:
        return queue.pop(0)

    async def send(message: Message) -> None:
        pass

    scope = {"type": "lifespan", "app": marker}
    await router(scope, receive, send)
    assert seen == [marker]
    assert scope["router"] is router


def test_add_event_handler() -> None:
    router = Router()

    def start() -> None:
        pass  # pragma: no cover - registration only

    router.add_event_handler("startup", start)
    router.add_event_handler("shutdown", start)
    assert router.on_startup == [start]
    assert router.on_shutdown == [start]
    with pytest.raises(ValueError, match="Unknown event type 'boot'"):
        router.add_event_handler("boot", start)
