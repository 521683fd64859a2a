"""Lifespans of held apps (a router's mounts): NestedLifespans through LifespanRunner's nested=."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from conftest import Driver

from asgi_lifetime import (
    SHUTDOWN_STATE_KEY,
    TASKS_STATE_KEY,
    AppTasks,
    LifespanDriver,
    LifespanManager,
    LifespanRunner,
    LifespanShutdownFailed,
    LifespanStartupFailed,
    NestedApp,
    ShutdownSignal,
)
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send

STARTUP_SHUTDOWN = ["lifespan.startup", "lifespan.shutdown"]


class Holder:
    """A router-like app: its own lifespan context, then its children's (name, app) pairs."""

    def __init__(
        self,
        name: str,
        log: list[str],
        children: Sequence[tuple[str, ASGIApp]] = (),
        *,
        yields: dict[str, Any] | None = None,
        fail_start: BaseException | None = None,
        fail_stop: BaseException | None = None,
        block_start: bool = False,
        block_stop: bool = False,
    ) -> None:
        self.name = name
        self.log = log
        self.children = list(children)
        self.yields = yields
        self.fail_start = fail_start
        self.fail_stop = fail_stop
        self.block_start = block_start
        self.block_stop = block_stop
        #: What each child's holder was last told (the state requests under it would see).
        self.states: dict[str, dict[str, Any] | None] = {}
        self.runner = LifespanRunner(self.lifespan, nested=self.nested_apps)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[dict[str, Any] | None]:
        assert app is self
        self.log.append(f"enter {self.name}")
        if self.block_start:
            await asyncio.Event().wait()
        if self.fail_start is not None:
            raise self.fail_start
        try:
            yield self.yields
        except BaseException as exc:
            self.log.append(f"exit {self.name} with {type(exc).__name__}")
            raise
        if self.block_stop:
            await asyncio.Event().wait()
        self.log.append(f"exit {self.name}")
        if self.fail_stop is not None:
            raise self.fail_stop

    def nested_apps(self) -> list[NestedApp]:
        return [
            NestedApp(child, f"Mount({name!r})", lambda state, n=name: self._told(n, state))
            for name, child in self.children
        ]

    def _told(self, name: str, state: dict[str, Any] | None) -> None:
        self.states[name] = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "lifespan"
        await self.runner(scope, receive, send, self)


async def raw_http_app(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"  # pragma: no cover - never called with http here


async def refuses_lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    raise ValueError(f"No application configured for scope type {scope['type']!r}")


async def returns_at_once(scope: Scope, receive: Receive, send: Send) -> None:
    return


async def answers_http(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 500, "headers": []})


async def run(app: ASGIApp) -> LifespanDriver:
    """Start and stop `app` as a server does (the strict driver)."""
    driver = LifespanDriver(app)
    assert await driver.startup()
    await driver.shutdown()
    return driver


async def test_two_levels_two_siblings_nest_strictly() -> None:
    log: list[str] = []
    a1 = Holder("a1", log)
    a = Holder("a", log, [("/a1", a1)])
    b = Holder("b", log)
    outer = Holder("outer", log, [("/a", a), ("/b", b)])
    await run(outer)
    assert log == [
        "enter outer",
        "enter a",
        "enter a1",
        "enter b",
        "exit b",
        "exit a1",
        "exit a",
        "exit outer",
    ]


async def test_each_child_has_its_own_state_and_holders_are_told() -> None:
    log: list[str] = []
    with_state = Holder("s", log, yields={"db": "inner db"})
    without = Holder("n", log)
    outer = Holder("outer", log, [("/s", with_state), ("/n", without)], yields={"db": "outer"})
    driver = LifespanDriver(outer)
    assert await driver.startup()
    assert driver.state["db"] == "outer"  # the outer state is the outer app's alone
    shown = outer.states["/s"]
    assert shown is not None
    assert shown["db"] == "inner db"
    assert isinstance(shown[TASKS_STATE_KEY], AppTasks)
    assert shown[TASKS_STATE_KEY] is with_state.runner.tasks  # its own task group
    assert shown[TASKS_STATE_KEY] is not driver.state[TASKS_STATE_KEY]
    # Nothing but a task group: nothing to show (requests under it pay nothing).
    assert outer.states["/n"] is None
    await driver.shutdown()
    assert outer.states == {"/s": None, "/n": None}  # no longer running
    assert with_state.runner.tasks.closed


async def test_the_children_are_asked_for_at_each_startup() -> None:
    log: list[str] = []
    outer = Holder("outer", log)
    await run(outer)
    outer.children.append(("/late", Holder("late", log)))
    log.clear()
    await run(outer)
    assert log == ["enter outer", "enter late", "exit late", "exit outer"]


@pytest.mark.parametrize(
    "app",
    [raw_http_app, refuses_lifespan, returns_at_once, answers_http],
    ids=["asserts-http", "raises", "returns", "answers-http"],
)
async def test_apps_without_a_lifespan_are_skipped(
    app: ASGIApp, caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []
    outer = Holder("outer", log, [("/plain", app), ("/b", Holder("b", log))])
    with caplog.at_level(logging.DEBUG, logger="asgi_lifetime.nested"):
        await run(outer)
    assert log == ["enter outer", "enter b", "exit b", "exit outer"]
    (record,) = caplog.records
    assert record.levelno == logging.DEBUG
    assert record.getMessage().startswith("Mount('/plain'): no lifespan (")
    assert "/plain" not in outer.states


async def test_the_skip_log_says_why() -> None:
    driver = LifespanDriver(refuses_lifespan, optional=True)
    assert not await driver.startup()
    assert isinstance(driver.skipped, ValueError)
    driver = LifespanDriver(returns_at_once, optional=True)
    assert not await driver.startup()
    assert driver.skipped is None


async def test_the_strict_driver_still_refuses_apps_without_a_lifespan() -> None:
    with pytest.raises(ValueError, match="No application configured"):
        await LifespanDriver(refuses_lifespan).startup()


async def test_a_failing_child_startup_fails_the_whole_startup() -> None:
    log: list[str] = []
    first = Holder("first", log)
    failing = Holder("failing", log, fail_start=RuntimeError("db down"))
    never = Holder("never", log)
    outer = Holder("outer", log, [("/1", first), ("/2", failing), ("/3", never)])
    sent: list[Message] = []
    messages = iter([{"type": "lifespan.startup"}])

    async def receive() -> Message:
        return next(messages)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "lifespan", "state": {}}
    with pytest.raises(RuntimeError, match="db down") as caught:
        await outer(scope, receive, send)
    assert log == [
        "enter outer",
        "enter first",
        "enter failing",
        "exit first",
        "exit outer with RuntimeError",  # the outer context sees the error
    ]
    assert caught.value.__notes__ == ["(raised by the lifespan startup of Mount('/2'))"]
    assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
    assert "db down" in sent[0]["message"]
    assert "Mount('/2')" in sent[0]["message"]
    assert outer.states == {"/1": None}  # told, then untold


async def test_a_failed_child_without_an_exception_fails_the_startup_too() -> None:
    async def reports_failure(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no config"})

    log: list[str] = []
    outer = Holder("outer", log, [("/x", reports_failure)])
    with pytest.raises(LifespanStartupFailed, match="no config"):
        await LifespanDriver(outer).startup()
    assert log == ["enter outer", "exit outer with LifespanStartupFailed"]


async def test_nested_failures_name_every_holder_on_the_way() -> None:
    log: list[str] = []
    deep = Holder("deep", log, fail_start=KeyError("deep"))
    outer = Holder("outer", log, [("/a", Holder("a", log, [("/b", deep)]))])
    with pytest.raises(KeyError) as caught:
        await LifespanDriver(outer).startup()
    assert caught.value.__notes__ == [
        "(raised by the lifespan startup of Mount('/b'))",
        "(raised by the lifespan startup of Mount('/a'))",
    ]


async def test_hooks_only_owner_runs_its_shutdown_hooks_when_a_child_fails() -> None:
    log: list[str] = []
    runner = LifespanRunner(
        on_startup=[lambda: log.append("start")],
        on_shutdown=[lambda: log.append("stop")],
        nested=lambda: [NestedApp(Holder("x", log, fail_start=OSError()), "x", lambda _: None)],
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await runner(scope, receive, send, app)

    with pytest.raises(OSError):
        await LifespanDriver(app).startup()
    assert log == ["start", "enter x", "stop"]


async def test_hooks_only_owner_cancelled_during_a_child_startup_runs_no_hook() -> None:
    log: list[str] = []
    runner = LifespanRunner(
        on_shutdown=[lambda: log.append("stop")],
        nested=lambda: [NestedApp(Holder("x", log, block_start=True), "x", lambda _: None)],
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await runner(scope, receive, send, app)

    task = asyncio.create_task(LifespanDriver(app).startup())
    while log != ["enter x"]:
        await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait_for(asyncio.wait([task]), 5)
    assert log == ["enter x"]  # cancelled: as without children, no shutdown hook runs


async def test_a_sibling_failing_to_stop_while_a_startup_is_undone_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log: list[str] = []
    first = Holder("first", log, fail_stop=OSError("stuck"))
    outer = Holder("outer", log, [("/1", first), ("/2", Holder("f", log, fail_start=KeyError()))])
    with caplog.at_level(logging.ERROR, logger="asgi_lifetime.nested"), pytest.raises(KeyError):
        await LifespanDriver(outer).startup()
    (record,) = caplog.records
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], OSError)


async def test_a_failing_child_shutdown_lets_everything_else_shut_down() -> None:
    log: list[str] = []
    first = Holder("first", log)
    failing = Holder("failing", log, fail_stop=RuntimeError("flush failed"))
    outer = Holder("outer", log, [("/1", first), ("/2", failing), ("/3", Holder("last", log))])
    driver = LifespanDriver(outer)
    assert await driver.startup()
    log.clear()
    with pytest.raises(RuntimeError, match="flush failed") as caught:
        await driver.shutdown()
    assert log == ["exit last", "exit failing", "exit first", "exit outer"]
    assert caught.value.__notes__ == ["(raised by the lifespan shutdown of Mount('/2'))"]


async def test_the_shutdown_failed_message_names_the_mount(drive: Driver) -> None:
    async def reports(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.failed", "message": "disk full"})

    log: list[str] = []
    sent, error = await drive(Holder("outer", log, [("/r", reports)]), STARTUP_SHUTDOWN, {})
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert "disk full" in sent[1]["message"]
    assert "(raised by the lifespan shutdown of Mount('/r'))" in sent[1]["message"]
    assert isinstance(error, LifespanShutdownFailed)  # the child's error, raised as it is
    assert log == ["enter outer", "exit outer"]


async def test_several_shutdown_failures_come_as_a_group() -> None:
    log: list[str] = []
    outer = Holder(
        "outer",
        log,
        [("/1", Holder("one", log, fail_stop=KeyError("one")))],
        fail_stop=ValueError("outer"),
    )
    driver = LifespanDriver(outer)
    assert await driver.startup()
    with pytest.raises(ExceptionGroup) as caught:
        await driver.shutdown()
    assert [type(e) for e in caught.value.exceptions] == [KeyError, ValueError]
    assert log == ["enter outer", "enter one", "exit one", "exit outer"]


async def test_an_app_held_twice_runs_once_and_both_holders_see_its_state() -> None:
    log: list[str] = []
    shared = Holder("shared", log, yields={"x": 1})
    inner = Holder("inner", log, [("/deep", shared)])
    outer = Holder("outer", log, [("/a", shared), ("/b", shared), ("/i", inner)])
    driver = LifespanDriver(outer)
    assert await driver.startup()
    assert log == ["enter outer", "enter shared", "enter inner"]
    shown = outer.states["/a"]
    assert shown is not None
    assert shown["x"] == 1
    assert outer.states["/b"] is shown
    assert inner.states["/deep"] is shown
    await driver.shutdown()
    assert log[3:] == ["exit inner", "exit shared", "exit outer"]
    assert inner.states["/deep"] is None


async def test_an_app_without_lifespan_held_twice_is_tried_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outer = Holder("outer", [], [("/a", refuses_lifespan), ("/b", refuses_lifespan)])
    with caplog.at_level(logging.DEBUG, logger="asgi_lifetime.nested"):
        await run(outer)
    assert len(caplog.records) == 1


async def test_an_app_holding_itself_is_already_running() -> None:
    log: list[str] = []
    outer = Holder("outer", log)
    inner = Holder("inner", log, [("/up", outer)])
    outer.children = [("/self", outer), ("/in", inner)]
    await run(outer)
    assert log == ["enter outer", "enter inner", "exit inner", "exit outer"]


async def test_a_lifespan_inside_a_child_lifespan_is_a_separate_tree() -> None:
    # A LifespanManager run by a mounted app's own lifespan code is no part of the mounts.
    log: list[str] = []
    other = Holder("other", log)

    class Starter(Holder):
        @contextlib.asynccontextmanager
        async def lifespan(self, app: Any) -> AsyncIterator[None]:
            async with LifespanManager(other):
                yield

    outer = Holder("outer", log, [("/s", Starter("starter", log)), ("/o", other)])
    await run(outer)
    # Twice: once in the manager's tree, once as the outer app's mount.
    assert log == [
        "enter outer",
        "enter other",
        "enter other",
        "exit other",
        "exit other",
        "exit outer",
    ]


async def test_cancelled_while_running_cancels_the_children() -> None:
    log: list[str] = []
    a = Holder("a", log, [("/deep", Holder("deep", log))])
    outer = Holder("outer", log, [("/a", a), ("/b", Holder("b", log))])
    started = asyncio.Event()

    async def receive() -> Message:
        if not started.is_set():
            return {"type": "lifespan.startup"}
        await asyncio.Event().wait()  # the shutdown never comes: the server goes away
        raise AssertionError  # pragma: no cover

    async def send(message: Message) -> None:
        started.set()

    task = asyncio.create_task(outer({"type": "lifespan", "state": {}}, receive, send))
    await started.wait()
    task.cancel()
    await asyncio.wait_for(asyncio.wait([task]), 5)
    assert task.cancelled()
    assert log[4:] == [
        "exit b with CancelledError",
        "exit deep with CancelledError",
        "exit a with CancelledError",
        "exit outer with CancelledError",
    ]
    assert outer.states == {"/a": None, "/b": None}


async def test_cancelled_during_a_child_startup_cancels_the_started_ones() -> None:
    log: list[str] = []
    first = Holder("first", log)
    outer = Holder("outer", log, [("/1", first), ("/2", Holder("slow", log, block_start=True))])
    task = asyncio.create_task(LifespanDriver(outer).startup())
    while log[-1:] != ["enter slow"]:
        await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait_for(asyncio.wait([task]), 5)
    assert task.cancelled()
    assert log == [
        "enter outer",
        "enter first",
        "enter slow",
        "exit first with CancelledError",
        "exit outer with CancelledError",
    ]


async def test_cancelled_during_a_child_shutdown_cancels_the_rest() -> None:
    log: list[str] = []
    outer = Holder(
        "outer", log, [("/1", Holder("first", log)), ("/2", Holder("slow", log, block_stop=True))]
    )
    driver = LifespanDriver(outer)
    assert await driver.startup()
    task = asyncio.create_task(driver.shutdown())
    while outer.states["/2"] is not None:  # released just before its shutdown is sent
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)  # "slow" now waits forever in its shutdown code
    task.cancel()
    await asyncio.wait_for(asyncio.wait([task]), 5)
    assert task.cancelled()
    assert log[3:] == ["exit first with CancelledError", "exit outer with CancelledError"]


class SignalWatcher(Holder):
    """A Holder noting the shutdown signal its lifespan scope's state holds, and whether it was
    set when `lifespan.shutdown` reached it."""

    def __init__(self, name: str, log: list[str]) -> None:
        super().__init__(name, log)
        self.signal: Any = None
        self.set_at_shutdown: bool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["state"]
        self.log.append(f"{self.name} starts with {sorted(state)}")
        self.signal = state.get(SHUTDOWN_STATE_KEY)

        async def watched_receive() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.set_at_shutdown = self.signal.is_set()
            return message

        await self.runner(scope, watched_receive, send, self)


async def test_one_tree_of_lifespans_shares_one_shutdown_signal_set_before_mounts_stop() -> None:
    log: list[str] = []
    inner = SignalWatcher("inner", log)
    outer = Holder("outer", log, [("/inner", inner)])
    driver = await run(outer)
    signal = driver.state[SHUTDOWN_STATE_KEY]
    assert isinstance(signal, ShutdownSignal)
    # The mounted app's state starts with the holder's signal, so it makes none of its own
    # (and chains no second set of signal handlers)...
    assert log[1] == "inner starts with ['shutdown']"
    assert inner.signal is signal
    # ...which is set before the mounted app is told to shut down.
    assert inner.set_at_shutdown is True
    assert signal.reason == "lifespan.shutdown"


async def test_mounted_apps_of_a_server_without_state_start_with_none_of_their_own() -> None:
    log: list[str] = []
    inner = Holder("inner", log)
    outer = Holder("outer", log, [("/inner", inner)])
    scope = {"type": "lifespan"}  # no "state": an old server
    incoming = asyncio.Queue[Message]()
    for kind in STARTUP_SHUTDOWN:
        incoming.put_nowait({"type": kind})
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await outer(scope, incoming.get, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert log == ["enter outer", "enter inner", "exit inner", "exit outer"]
