import asyncio
import contextlib
import functools
import gc
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from asgi_lifetime import TASKS_STATE_KEY, AppTasks, InvalidLifespan, Lifespan, LifespanRunner
from asgi_protocol.types import Message, Receive, Scope, Send

STARTUP_SHUTDOWN = ["lifespan.startup", "lifespan.shutdown"]


async def raw_app(scope: Scope, receive: Receive, send: Send) -> None:
    """An app with no lifespan support at all (like a bare Channels router)."""
    assert scope["type"] == "http", "the wrapped app must never see lifespan scopes"
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def types(sent: list[Message]) -> list[str]:
    return [m["type"] for m in sent]


async def test_other_scopes_pass_through() -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        sent.append(message)

    await Lifespan(raw_app)({"type": "http"}, receive, send)
    assert sent[0]["status"] == 204


async def test_hooks_sync_and_async_run_in_order(drive: Any) -> None:
    calls: list[str] = []

    async def astart() -> None:
        calls.append("astart")

    async def astop() -> None:
        calls.append("astop")

    app = Lifespan(
        raw_app,
        on_startup=[lambda: calls.append("start"), astart],
        on_shutdown=[astop, lambda: calls.append("stop")],
    )
    sent, error = await drive(app, STARTUP_SHUTDOWN)
    assert error is None
    assert types(sent) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert calls == ["start", "astart", "astop", "stop"]


async def test_no_hooks_at_all(drive: Any) -> None:
    sent, error = await drive(Lifespan(raw_app), STARTUP_SHUTDOWN)
    assert error is None
    assert types(sent) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_context_manager_state_and_owner(drive: Any) -> None:
    seen: list[object] = []
    owner = object()

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[dict[str, Any]]:
        seen.append(app)
        yield {"db": "connected"}
        seen.append("closed")

    state: dict[str, Any] = {}
    wrapper = Lifespan(raw_app, lifespan=lifespan, owner=owner)
    sent, error = await drive(wrapper, STARTUP_SHUTDOWN, state)
    assert error is None
    assert types(sent) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert seen == [owner, "closed"]
    assert state["db"] == "connected"
    assert state["tasks"] is wrapper.tasks
    assert isinstance(wrapper.tasks, AppTasks)


async def test_async_generator_function_is_wrapped(drive: Any) -> None:
    seen: list[object] = []

    async def lifespan(app: object) -> AsyncIterator[None]:
        seen.append(app)
        yield
        seen.append("closed")

    _sent, error = await drive(Lifespan(raw_app, lifespan=lifespan), STARTUP_SHUTDOWN)
    assert error is None
    assert seen == [raw_app, "closed"]  # the owner defaults to the wrapped app


async def test_state_without_server_support_fails_clearly(drive: Any) -> None:
    async def lifespan(app: object) -> AsyncIterator[dict[str, str]]:
        yield {"a": "b"}

    sent, error = await drive(Lifespan(raw_app, lifespan=lifespan), STARTUP_SHUTDOWN)
    assert types(sent) == ["lifespan.startup.failed"]
    assert 'The server does not support "state" in the lifespan scope' in sent[0]["message"]
    assert isinstance(error, RuntimeError)


async def test_startup_failure_sends_message_and_reraises(drive: Any) -> None:
    def fail() -> None:
        raise ValueError("database unreachable")

    sent, error = await drive(Lifespan(raw_app, on_startup=[fail]), STARTUP_SHUTDOWN)
    assert types(sent) == ["lifespan.startup.failed"]
    # The message is the traceback: what a server can log about why the app did not start.
    assert sent[0]["message"].startswith("Traceback (most recent call last):")
    assert sent[0]["message"].endswith("ValueError: database unreachable\n")
    assert isinstance(error, ValueError)


async def test_shutdown_failure(drive: Any) -> None:
    async def fail() -> None:
        raise RuntimeError("flush failed")

    sent, error = await drive(Lifespan(raw_app, on_shutdown=[fail]), STARTUP_SHUTDOWN)
    assert types(sent) == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert sent[1]["message"].endswith("RuntimeError: flush failed\n")
    assert isinstance(error, RuntimeError)


async def test_shutdown_failure_in_context(drive: Any) -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        yield
        raise OSError("cannot close")

    sent, error = await drive(Lifespan(raw_app, lifespan=lifespan), STARTUP_SHUTDOWN)
    assert types(sent) == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert isinstance(error, OSError)


async def test_cancelled_while_running_still_cleans_up() -> None:
    closed: list[BaseException | None] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        try:
            yield
        except BaseException as exc:
            closed.append(exc)
            raise

    messages: asyncio.Queue[Message] = asyncio.Queue()
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await messages.put({"type": "lifespan.startup"})
    wrapper = Lifespan(raw_app, lifespan=lifespan)
    task = asyncio.create_task(wrapper({"type": "lifespan"}, messages.get, send))
    while not sent:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert isinstance(closed[0], asyncio.CancelledError)
    assert wrapper.tasks.closed


async def test_cancelled_while_running_with_hooks() -> None:
    messages: asyncio.Queue[Message] = asyncio.Queue()
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await messages.put({"type": "lifespan.startup"})
    wrapper = Lifespan(raw_app)
    task = asyncio.create_task(wrapper({"type": "lifespan"}, messages.get, send))
    while not sent:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_tasks_are_drained_before_the_context_exits(drive: Any) -> None:
    order: list[str] = []

    async def job() -> None:
        await asyncio.sleep(0.01)
        order.append("job done")

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        wrapper.tasks.start(job)
        yield
        order.append("context exit")

    wrapper = Lifespan(raw_app, lifespan=lifespan, grace_period=1)
    _sent, error = await drive(wrapper, STARTUP_SHUTDOWN)
    assert error is None
    assert order == ["job done", "context exit"]


async def test_existing_tasks_key_in_state_is_kept(drive: Any) -> None:
    async def lifespan(app: object) -> AsyncIterator[dict[str, str]]:
        yield {"tasks": "mine"}

    state: dict[str, Any] = {}
    await drive(Lifespan(raw_app, lifespan=lifespan), STARTUP_SHUTDOWN, state)
    assert state["tasks"] == "mine"


async def test_the_runner_tells_whether_a_startup_began(drive: Any) -> None:
    wrapper = Lifespan(raw_app)
    assert not wrapper.runner.started
    await drive(wrapper, STARTUP_SHUTDOWN)
    assert wrapper.runner.started


async def test_the_state_carries_the_mark_that_a_lifespan_ran(drive: Any) -> None:
    state: dict[str, Any] = {}
    await drive(Lifespan(raw_app), STARTUP_SHUTDOWN, state)
    assert isinstance(state[TASKS_STATE_KEY], AppTasks)  # what State reads as "it ran"


def test_both_lifespan_and_hooks_refused() -> None:
    async def lifespan(app: object) -> AsyncIterator[None]:
        yield

    with pytest.raises(ValueError, match="not both"):
        Lifespan(raw_app, on_startup=[print], lifespan=lifespan)
    with pytest.raises(ValueError, match="not both"):
        Lifespan(raw_app, on_shutdown=[print], lifespan=lifespan)


async def test_plain_generator_lifespan_runs_too(drive: Any) -> None:
    seen: list[object] = []

    def lifespan(app: object) -> Iterator[dict[str, str]]:
        seen.append("up")
        yield {"k": "v"}
        seen.append("down")

    state: dict[str, Any] = {}
    _sent, error = await drive(Lifespan(raw_app, lifespan=lifespan), STARTUP_SHUTDOWN, state)
    assert error is None
    assert seen == ["up", "down"]
    assert state["k"] == "v"


FIX = "write it as an async context manager factory:\n\n    @contextlib.asynccontextmanager\n"


async def no_yield(app: object) -> None:
    pass  # pragma: no cover - refused before it is called


def no_app() -> Iterator[None]:
    yield  # pragma: no cover - refused before it is called


@pytest.mark.parametrize(
    ("lifespan", "problem"),
    [
        ("nope", "lifespan 'nope' is not callable"),
        (no_yield, "lifespan 'no_yield' is an async function, not a context manager"),
        (functools.partial(no_yield), "is an async function, not a context manager"),
        (no_app, "lifespan 'no_app' must take one argument, the app"),
    ],
)
def test_a_lifespan_wrong_by_its_definition_is_refused_when_given(
    lifespan: Any, problem: str
) -> None:
    with pytest.raises(InvalidLifespan) as info:
        Lifespan(raw_app, lifespan=lifespan)
    assert isinstance(info.value, TypeError)
    assert problem in str(info.value)
    assert FIX in str(info.value)
    assert info.value.lifespan is lifespan


@contextlib.contextmanager
def sync_context(app: object) -> Iterator[None]:
    yield  # pragma: no cover - refused before it is entered


def returns_none(app: object) -> None:
    return None


class AsyncCall:
    """Its instances are async callables: what they return is only seen at startup."""

    async def __call__(self, app: object) -> None:
        pass  # pragma: no cover - closed unawaited


@pytest.mark.parametrize(
    ("lifespan", "problem"),
    [
        (sync_context, "lifespan 'sync_context' is a sync context manager"),
        (returns_none, "lifespan 'returns_none' returned None, not an async context manager"),
        (lambda app: {"db": 1}, "lifespan '<lambda>' returned a dict, not an async context"),
        (AsyncCall(), "is an async function, not a context manager (it has no `yield`)"),
    ],
)
async def test_a_lifespan_wrong_by_what_it_returns_fails_the_startup(
    drive: Any, lifespan: Any, problem: str
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sent, error = await drive(Lifespan(raw_app, lifespan=lifespan), STARTUP_SHUTDOWN)
        assert error is not None
        error.__traceback__ = None  # its frames hold what the lifespan returned: free it now
        gc.collect()
    assert not caught  # a coroutine left unawaited would warn "never awaited" as it goes
    assert isinstance(error, InvalidLifespan)
    assert problem in str(error)
    assert FIX in str(error)
    assert types(sent) == ["lifespan.startup.failed"]
    assert problem in sent[0]["message"]  # what a server logs


def test_the_example_uses_the_lifespans_own_name_when_it_has_one() -> None:
    with pytest.raises(InvalidLifespan, match=r"async def no_yield\(app\):"):
        Lifespan(raw_app, lifespan=no_yield)
    with pytest.raises(InvalidLifespan, match=r"async def lifespan\(app\):"):
        Lifespan(raw_app, lifespan=lambda: None)


def test_the_wrapper_shows_its_runners_settings() -> None:
    def hook() -> None:
        pass  # pragma: no cover - registration only

    wrapper = Lifespan(raw_app, on_startup=[hook], on_shutdown=[hook])
    assert wrapper.on_startup == [hook]
    assert wrapper.on_shutdown == [hook]
    assert wrapper.lifespan_context is None
    assert wrapper.runner.lifespan_context is None


def test_hooks_added_later_follow_the_same_rule() -> None:
    def hook() -> None:
        pass  # pragma: no cover - registration only

    runner = LifespanRunner()
    runner.add_event_handler("startup", hook)
    runner.add_event_handler("shutdown", hook)
    assert (runner.on_startup, runner.on_shutdown) == ([hook], [hook])
    with pytest.raises(ValueError, match="Unknown event type 'boot'"):
        runner.add_event_handler("boot", hook)
    with pytest.raises(ValueError, match="not both"):
        runner.lifespan_context = contextlib.asynccontextmanager(_empty)
    with_context = LifespanRunner(_empty)
    with pytest.raises(ValueError, match="not both"):
        with_context.add_event_handler("startup", hook)


async def _empty(app: object) -> AsyncIterator[None]:
    yield


async def test_hooks_that_meet_a_context_fail_the_startup(drive: Any) -> None:
    runner_app = Lifespan(raw_app, lifespan=_empty)
    runner_app.on_startup.append(print)  # the list is public: checked again at startup
    sent, error = await drive(runner_app, STARTUP_SHUTDOWN)
    assert types(sent) == ["lifespan.startup.failed"]
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("phase", ["startup", "shutdown"])
async def test_cancelled_in_a_hook_sends_nothing(phase: str) -> None:
    async def hang() -> None:
        await asyncio.sleep(3600)

    hooks: dict[str, Any] = {f"on_{phase}": [hang]}
    wrapper = Lifespan(raw_app, **hooks)
    messages: asyncio.Queue[Message] = asyncio.Queue()
    for kind in ("lifespan.startup", "lifespan.shutdown"):
        messages.put_nowait({"type": kind})
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    task = asyncio.create_task(wrapper({"type": "lifespan"}, messages.get, send))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert types(sent) == ([] if phase == "startup" else ["lifespan.startup.complete"])
