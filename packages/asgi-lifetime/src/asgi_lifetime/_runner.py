"""`LifespanRunner`: the app side of the lifespan protocol (what an app does at start).

It answers one lifespan scope with the app's startup/shutdown hooks or its lifespan context
manager. The `Lifespan` wrapper, asgi-routing's `Router` and the toolkit's `App` all answer
through it, so they agree on every rule:

- `lifespan=` or `on_startup=`/`on_shutdown=`, never both (ValueError when they meet);
- the context receives the owner (the application); what it yields is merged into the
  lifespan state (an error if the server gives no state); the app's task group is put in the
  state as "tasks";
- a failure sends `lifespan.startup.failed` / `lifespan.shutdown.failed` with the traceback as
  the message (a server logs it), then re-raises the exception itself;
- the state gets the app's shutdown signal as "shutdown", set at the server's stop signal
  where it can be heard and at the lifespan shutdown at the latest (before the tasks drain);
- cancelled while running (the server went away): the task group is drained and the context
  exited with the cancellation, and no message is sent;
- `nested=` (the router's hook) gives, at each startup, the apps whose lifespans run inside
  this one (its mounts): started after its own startup, stopped before its own shutdown, by
  `NestedLifespans`' rules. One that fails to start fails the startup (the context exits with
  its error); one that fails to shut down fails the shutdown once everything else shut down.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import traceback
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from types import TracebackType
from typing import Any

from asgi_lifetime._nested import NestedApp, NestedLifespans
from asgi_lifetime._shutdown import listen_for_shutdown
from asgi_lifetime._tasks import AppTasks
from asgi_lifetime.exceptions import InvalidLifespan
from asgi_protocol.datastructures import SHUTDOWN_STATE_KEY, TASKS_STATE_KEY
from asgi_protocol.types import Receive, Scope, Send

LifespanFactory = Callable[[Any], AbstractAsyncContextManager[Mapping[str, Any] | None]]

_SEVERAL = "Lifespan shutdown failed in several places"

_BOTH = (
    "Use either 'lifespan' or 'on_startup'/'on_shutdown', not both: "
    "move the hooks into the lifespan context manager"
)


class LifespanRunner:
    """Answers lifespan scopes for one application: hooks, or one lifespan context."""

    def __init__(
        self,
        lifespan: Callable[[Any], Any] | None = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        *,
        grace_period: float = 5.0,
        nested: Callable[[], Iterable[NestedApp]] | None = None,
    ) -> None:
        self.on_startup: list[Callable[[], Any]] = list(on_startup or ())
        self.on_shutdown: list[Callable[[], Any]] = list(on_shutdown or ())
        self._context: LifespanFactory | None = None
        self.lifespan_context = lifespan
        self.grace_period = grace_period
        #: The apps whose lifespans run inside this one, asked at each startup.
        self.nested = nested
        #: The task group of the current (or last) run; a fresh one is made at each startup.
        self.tasks = AppTasks(grace_period)
        #: Whether a startup has begun yet: the App's state says so when an attribute is missing.
        self.started = False

    @property
    def lifespan_context(self) -> LifespanFactory | None:
        """The lifespan context manager factory (async generator functions are wrapped)."""
        return self._context

    @lifespan_context.setter
    def lifespan_context(self, lifespan: Callable[[Any], Any] | None) -> None:
        self._context = _as_context_factory(lifespan)
        self._check()

    def _check(self) -> None:
        if self._context is not None and (self.on_startup or self.on_shutdown):
            raise ValueError(_BOTH)

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        """Register a "startup" or "shutdown" hook."""
        if event_type not in ("startup", "shutdown"):
            raise ValueError(f"Unknown event type {event_type!r}: use 'startup' or 'shutdown'")
        if self._context is not None:
            raise ValueError(_BOTH)
        (self.on_startup if event_type == "startup" else self.on_shutdown).append(func)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, owner: Any) -> None:
        """Answer one lifespan scope; `owner` is what the lifespan context receives."""
        await receive()  # lifespan.startup
        self.started = True
        self.tasks = tasks = AppTasks(self.grace_period)
        nested = NestedLifespans(owner)
        # The shutdown signal first: the app's own lifespan and its mounted apps share it.
        stop_listening = listen_for_shutdown(scope)
        try:
            context = await self._start(scope, owner, tasks, nested)
        except asyncio.CancelledError:
            stop_listening()
            raise
        except BaseException as exc:
            stop_listening()
            await send({"type": "lifespan.startup.failed", "message": _describe(exc)})
            raise
        try:
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
            stop_listening()  # set before anything stops: mounted apps, tasks, the context
            errors = await nested.stop()
        except BaseException as exc:  # cancelled by the server: still release resources
            stop_listening()
            await nested.cancel()
            await tasks.aclose()
            if context is not None:
                await context.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        try:
            await tasks.aclose()
            if context is not None:
                await context.__aexit__(None, None, None)
            else:
                for hook in self.on_shutdown:
                    await _call(hook)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            errors.append(exc)
        if errors:
            error = errors[0] if len(errors) == 1 else BaseExceptionGroup(_SEVERAL, errors)
            await send({"type": "lifespan.shutdown.failed", "message": _describe(error)})
            raise error
        await send({"type": "lifespan.shutdown.complete"})

    async def _start(
        self, scope: Scope, owner: Any, tasks: AppTasks, nested: NestedLifespans
    ) -> AbstractAsyncContextManager[Mapping[str, Any] | None] | None:
        self._check()  # the hooks lists are public: they may have grown since construction
        state: dict[str, Any] | None = scope.get("state")
        context = None
        if self._context is None:
            for hook in self.on_startup:
                await _call(hook)
        else:
            context = self._context(owner)
            if not hasattr(context, "__aenter__"):  # a @contextmanager, a plain function, ...
                raise InvalidLifespan(self._context, _not_a_context(context))
            value = await context.__aenter__()
            if value is not None and state is None:
                error = RuntimeError(
                    'The server does not support "state" in the lifespan scope: '
                    "the lifespan cannot yield state to it"
                )
                await context.__aexit__(RuntimeError, error, None)
                raise error
            if value is not None:
                assert state is not None
                state.update(value)
        if state is not None:
            state.setdefault(TASKS_STATE_KEY, tasks)
        if self.nested is not None:
            try:
                await nested.start(self.nested(), _shared_with_nested(state))
            except BaseException as exc:  # our own lifespan exits with the error
                await tasks.aclose()
                if context is not None:
                    await context.__aexit__(type(exc), exc, exc.__traceback__)
                elif not isinstance(exc, asyncio.CancelledError):
                    for hook in self.on_shutdown:
                        await _call(hook)
                raise
        return context


def _shared_with_nested(state: dict[str, Any] | None) -> dict[str, Any]:
    """What the lifespan state of every mounted app starts with: the holder's shutdown signal,
    so one tree of lifespans has one signal (and one chain of signal handlers)."""
    if state is not None and SHUTDOWN_STATE_KEY in state:
        return {SHUTDOWN_STATE_KEY: state[SHUTDOWN_STATE_KEY]}
    return {}


class _SyncContext:
    """A sync context manager run as an async one (a plain generator lifespan)."""

    def __init__(self, context: AbstractContextManager[Any]) -> None:
        self._context = context

    async def __aenter__(self) -> Any:
        return self._context.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self._context.__exit__(exc_type, exc, tb)


def _as_context_factory(lifespan: Callable[[Any], Any] | None) -> LifespanFactory | None:
    """Accept an async context manager factory, or a generator function (async or not).

    What the definition shows is wrong is refused here (InvalidLifespan); what a call returns
    is checked at startup.
    """
    if lifespan is None:
        return None
    if not callable(lifespan):
        raise InvalidLifespan(lifespan, "is not callable")
    try:
        signature = inspect.signature(lifespan)
    except (TypeError, ValueError):  # pragma: no cover - no signature: judged at startup
        signature = None
    if signature is not None and not _takes_one_argument(signature):
        raise InvalidLifespan(lifespan, "must take one argument, the app")
    if inspect.iscoroutinefunction(lifespan):
        raise InvalidLifespan(lifespan, _ASYNC_FUNCTION)
    if inspect.isasyncgenfunction(lifespan):
        async_gen: Callable[[Any], AsyncIterator[Any]] = lifespan
        return contextlib.asynccontextmanager(async_gen)
    if inspect.isgeneratorfunction(lifespan):
        sync_gen: Callable[[Any], Iterator[Any]] = lifespan
        factory = contextlib.contextmanager(sync_gen)
        return lambda app: _SyncContext(factory(app))
    context_factory: LifespanFactory = lifespan
    return context_factory


def _takes_one_argument(signature: inspect.Signature) -> bool:
    try:
        signature.bind(None)
    except TypeError:
        return False
    return True


# An `async def` lifespan without `yield`: calling it gives a coroutine, not a context.
_ASYNC_FUNCTION = "is an async function, not a context manager (it has no `yield`)"


def _not_a_context(result: Any) -> str:
    """What is wrong with a lifespan whose call returned `result` (no `__aenter__`)."""
    if inspect.iscoroutine(result):
        result.close()  # never to be awaited: no "never awaited" warning on top of the error
        return _ASYNC_FUNCTION
    if hasattr(result, "__enter__"):
        return "is a sync context manager (a @contextlib.contextmanager?)"
    shown = "None" if result is None else f"a {type(result).__name__}"
    return f"returned {shown}, not an async context manager"


async def _call(hook: Callable[[], Any]) -> None:
    result = hook()
    if inspect.isawaitable(result):
        await result


def _describe(exc: BaseException) -> str:
    """The message of a `*.failed` answer: the traceback, which is what a server can log."""
    return "".join(traceback.format_exception(exc))
