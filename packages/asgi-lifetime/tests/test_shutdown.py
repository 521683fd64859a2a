"""The shutdown signal: set at a stop signal the server installed a handler for, or at the
lifespan shutdown at the latest; in the lifespan state for every request."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from types import FrameType
from typing import Any

import pytest

from asgi_lifetime import (
    SHUTDOWN_STATE_KEY,
    Lifespan,
    ShutdownSignal,
    ShutdownSignalMiddleware,
)
from asgi_lifetime._shutdown import listen_for_shutdown
from asgi_lifetime._signals import chain_stop_signals
from asgi_protocol.types import Message, Receive, Scope, Send

STARTUP_SHUTDOWN = ["lifespan.startup", "lifespan.shutdown"]


async def no_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("only lifespan scopes here")


@pytest.fixture
def server_handler() -> Iterator[list[int]]:
    """A SIGTERM handler as a server installs one: it records, and is restored afterwards."""
    heard: list[int] = []
    original = signal.getsignal(signal.SIGTERM)

    def handle(signum: int, frame: FrameType | None) -> None:
        heard.append(signum)

    signal.signal(signal.SIGTERM, handle)
    try:
        yield heard
    finally:
        signal.signal(signal.SIGTERM, original)


# --- the signal itself ---


async def test_a_signal_is_an_event_with_a_reason() -> None:
    shutdown = ShutdownSignal()
    assert not shutdown.is_set()
    assert repr(shutdown) == "<ShutdownSignal unset>"
    shutdown.set("SIGTERM")
    shutdown.set("lifespan.shutdown")  # the first reason stays
    assert shutdown.is_set()
    assert shutdown.reason == "SIGTERM"
    assert repr(shutdown) == "<ShutdownSignal set by 'SIGTERM'>"
    await asyncio.wait_for(shutdown.wait(), 1)
    other = ShutdownSignal()
    other.set()
    assert other.reason == "set"


async def test_race_gives_the_result_when_the_work_ends_first() -> None:
    async def work() -> str:
        return "done"

    assert await ShutdownSignal().race(work()) == "done"


async def test_race_cancels_the_work_when_the_signal_comes_first() -> None:
    shutdown = ShutdownSignal()
    cleaned: list[str] = []

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append("finally")

    asyncio.get_running_loop().call_later(0.01, shutdown.set)
    assert await shutdown.race(forever()) is None
    assert cleaned == ["finally"]  # finished before race returned


async def test_race_after_the_signal_starts_nothing() -> None:
    shutdown = ShutdownSignal()
    shutdown.set()

    async def never() -> None:
        raise AssertionError("not run")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "coroutine was never awaited"
        assert await shutdown.race(never()) is None
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    assert await shutdown.race(future) is None


def test_of_finds_the_signal_in_a_scope() -> None:
    shutdown = ShutdownSignal()
    assert ShutdownSignal.of({"type": "http"}) is None
    assert ShutdownSignal.of({"type": "http", "state": {SHUTDOWN_STATE_KEY: "mine"}}) is None
    assert ShutdownSignal.of({"type": "http", "state": {SHUTDOWN_STATE_KEY: shutdown}}) is shutdown


async def test_listen_needs_a_state_and_leaves_another_signal_alone() -> None:
    listen_for_shutdown({"type": "lifespan"})()  # no state: nothing to do
    theirs = ShutdownSignal()
    state: dict[str, Any] = {SHUTDOWN_STATE_KEY: theirs}
    listen_for_shutdown({"type": "lifespan", "state": state})()
    assert state[SHUTDOWN_STATE_KEY] is theirs
    assert not theirs.is_set()


# --- chaining the server's signal handlers ---


async def test_a_stop_signal_is_heard_first_then_the_server_handles_it(
    server_handler: list[int],
) -> None:
    heard: list[str] = []
    undo = chain_stop_signals(heard.append)
    signal.raise_signal(signal.SIGTERM)
    await asyncio.sleep(0)
    assert heard == ["SIGTERM"]
    assert server_handler == [signal.SIGTERM]
    undo()
    signal.raise_signal(signal.SIGTERM)
    await asyncio.sleep(0)
    assert heard == ["SIGTERM"]  # the server's own handler again, alone
    assert server_handler == [signal.SIGTERM] * 2


async def test_a_default_signal_disposition_is_left_alone() -> None:
    original = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # nobody listens: SIGTERM still kills
    try:
        undo = chain_stop_signals(lambda name: None)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        undo()
    finally:
        signal.signal(signal.SIGTERM, original)


async def test_undo_keeps_a_handler_installed_after_ours(server_handler: list[int]) -> None:
    undo = chain_stop_signals(lambda name: None)

    def later(signum: int, frame: FrameType | None) -> None:
        """Installed by somebody after us."""

    signal.signal(signal.SIGTERM, later)
    undo()
    assert signal.getsignal(signal.SIGTERM) is later


def test_a_signal_after_the_loop_closed_still_reaches_the_server(
    server_handler: list[int],
) -> None:
    heard: list[str] = []

    async def chain() -> None:
        chain_stop_signals(heard.append)  # never undone, as when the server restored its own

    asyncio.run(chain())
    signal.raise_signal(signal.SIGTERM)
    assert heard == []
    assert server_handler == [signal.SIGTERM]


def test_nothing_is_chained_outside_the_main_thread(server_handler: list[int]) -> None:
    before = signal.getsignal(signal.SIGTERM)

    def chain_in_thread() -> None:
        async def chain() -> None:
            chain_stop_signals(lambda name: None)()

        asyncio.run(chain())

    thread = threading.Thread(target=chain_in_thread)
    thread.start()
    thread.join()
    assert signal.getsignal(signal.SIGTERM) is before


# --- the lifespan runner ---


async def test_each_lifespan_run_gives_the_state_a_fresh_signal(drive: Any) -> None:
    seen: list[bool] = []
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        seen.append(state[SHUTDOWN_STATE_KEY].is_set())  # set before the context exits

    _, error = await drive(Lifespan(no_app, lifespan=lifespan), STARTUP_SHUTDOWN, state)
    assert error is None
    shutdown = state[SHUTDOWN_STATE_KEY]
    assert isinstance(shutdown, ShutdownSignal)
    assert shutdown.reason == "lifespan.shutdown"
    assert seen == [True]
    second: dict[str, Any] = {}
    await drive(Lifespan(no_app, lifespan=lifespan), STARTUP_SHUTDOWN, second)
    assert second[SHUTDOWN_STATE_KEY] is not shutdown


async def test_a_lifespan_cancelled_by_its_server_sets_the_signal() -> None:
    state: dict[str, Any] = {}
    messages = iter(["lifespan.startup"])

    async def receive() -> Message:
        for kind in messages:
            return {"type": kind}
        raise asyncio.CancelledError

    async def send(message: Message) -> None:
        pass

    with pytest.raises(asyncio.CancelledError):
        await Lifespan(no_app)({"type": "lifespan", "state": state}, receive, send)
    assert state[SHUTDOWN_STATE_KEY].reason == "lifespan.shutdown"


async def test_a_stop_signal_sets_it_before_the_lifespan_shutdown(
    server_handler: list[int],
) -> None:
    state: dict[str, Any] = {}
    started = asyncio.Event()
    stop = asyncio.Event()

    async def receive() -> Message:
        if not started.is_set():
            started.set()
            return {"type": "lifespan.startup"}
        await stop.wait()
        return {"type": "lifespan.shutdown"}

    async def send(message: Message) -> None:
        pass

    running = asyncio.ensure_future(
        Lifespan(no_app)({"type": "lifespan", "state": state}, receive, send)
    )
    await started.wait()
    await asyncio.sleep(0)
    shutdown = state[SHUTDOWN_STATE_KEY]
    signal.raise_signal(signal.SIGTERM)
    await asyncio.wait_for(shutdown.wait(), 1)
    assert shutdown.reason == "SIGTERM"
    assert server_handler == [signal.SIGTERM]
    stop.set()
    await running
    assert signal.getsignal(signal.SIGTERM) is not None
    signal.raise_signal(signal.SIGTERM)  # the server's handler is back, alone
    assert server_handler == [signal.SIGTERM] * 2


async def test_a_shutdown_the_lifespan_yields_is_the_apps_own(drive: Any) -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
        yield {SHUTDOWN_STATE_KEY: "mine"}

    state: dict[str, Any] = {}
    await drive(Lifespan(no_app, lifespan=lifespan), STARTUP_SHUTDOWN, state)
    assert state[SHUTDOWN_STATE_KEY] == "mine"


# --- the middleware, for apps with a lifespan of their own ---


async def foreign_app(scope: Scope, receive: Receive, send: Send) -> None:
    """An app answering lifespan itself, as FastAPI does; it writes what it saw."""
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    state = scope["state"]
    await receive()
    state["at startup"] = state[SHUTDOWN_STATE_KEY].is_set()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    state["at shutdown"] = state[SHUTDOWN_STATE_KEY].is_set()
    await send({"type": "lifespan.shutdown.complete"})


async def test_the_middleware_gives_a_foreign_lifespan_the_signal(drive: Any) -> None:
    state: dict[str, Any] = {}
    sent, error = await drive(ShutdownSignalMiddleware(foreign_app), STARTUP_SHUTDOWN, state)
    assert error is None
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert (state["at startup"], state["at shutdown"]) == (False, True)
    assert state[SHUTDOWN_STATE_KEY].reason == "lifespan.shutdown"


async def test_the_middleware_stops_listening_when_the_app_fails(
    drive: Any, server_handler: list[int]
) -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        raise RuntimeError("startup failed")

    state: dict[str, Any] = {}
    _, error = await drive(ShutdownSignalMiddleware(failing), STARTUP_SHUTDOWN, state)
    assert isinstance(error, RuntimeError)
    assert state[SHUTDOWN_STATE_KEY].reason == "lifespan.shutdown"
    signal.raise_signal(signal.SIGTERM)
    assert server_handler == [signal.SIGTERM]


async def test_the_middleware_passes_requests_through() -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        sent.append(message)

    await ShutdownSignalMiddleware(foreign_app)({"type": "http"}, receive, send)
    assert sent[0]["status"] == 204
