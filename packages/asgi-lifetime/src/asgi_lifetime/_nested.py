"""`NestedLifespans`: the lifespans of the apps an app holds (a router's mounts), run inside its
own, each through a `LifespanDriver` with a fresh state dict.

The rules, which `LifespanRunner` applies for the router that gives it a `nested=` hook:

- started in order after the holder's own startup, stopped in reverse before its own shutdown,
  so nesting is strict: outer enter, inner enter, inner exit, outer exit;
- an app that raises or returns before answering `lifespan.startup` has no lifespan (uvicorn's
  `lifespan="auto"`): skipped, with one DEBUG line naming its holder;
- `lifespan.startup.failed` is a failed startup of the whole app: the apps already started are
  shut down in reverse, and the error (noted with the holder's label) goes up;
- a failed shutdown does not stop the others from shutting down; the errors are returned;
- one app runs once however often it is held, at any depth (an app holding itself is already
  running): the first holder's app is run, and every holder is told its state;
- the state a holder is told is what requests under it see over theirs, or None when the
  app's lifespan yielded nothing (only the runner's own task group is there): such mounts cost
  requests nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from asgi_lifetime._driver import LifespanDriver
from asgi_protocol.datastructures import SHUTDOWN_STATE_KEY, TASKS_STATE_KEY
from asgi_protocol.types import ASGIApp

logger = logging.getLogger("asgi_lifetime.nested")


@dataclass(frozen=True, eq=False)
class NestedApp:
    """One app whose lifespan runs inside its holder's (a Mount's app, as the router calls it).

    `label` names the holder in logs and errors ("Mount('/x')"); `use_state` is told the state
    requests under the holder see over their own (None: nothing to add, or no longer running);
    `key` is what "the same app" means (default: `app`), for an app held twice.
    """

    app: ASGIApp
    label: str
    use_state: Callable[[dict[str, Any] | None], None]
    key: object = None


@dataclass(eq=False)
class _Run:
    """One started lifespan: its driver, the state it shows, and every holder told it."""

    driver: LifespanDriver
    shown: dict[str, Any] | None
    holders: list[NestedApp] = field(default_factory=list)

    def hold(self, nested: NestedApp) -> None:
        self.holders.append(nested)
        nested.use_state(self.shown)

    def release(self) -> None:
        for nested in self.holders:
            nested.use_state(None)


# What runs in one tree of lifespans: id(app) -> (app, its run, or None while it starts, when
# it is an owner above, or when it has no lifespan). Shared by the NestedLifespans of one tree
# through this variable, which only the child lifespans' tasks see (each clears it for the
# code its own lifespan runs).
_Tree = dict[int, tuple[object, _Run | None]]
_TREE: ContextVar[_Tree | None] = ContextVar("asgi_lifetime.nested_tree", default=None)


class NestedLifespans:
    """The lifespans of the apps `owner` holds; make it when the owner's lifespan begins."""

    def __init__(self, owner: object) -> None:
        tree = _TREE.get()
        _TREE.set(None)  # the owner's own lifespan code starts no tree member by accident
        self._tree: _Tree = {} if tree is None else tree
        self._tree.setdefault(id(owner), (owner, None))
        self._started: list[_Run] = []

    async def start(self, apps: Iterable[NestedApp], shared: Mapping[str, Any] = {}) -> None:
        """Start the apps' lifespans in order; on a failure, stop those started and raise.

        Each app's lifespan state starts as a copy of `shared` (the holder's shutdown signal).
        """
        token = _TREE.set(self._tree)  # seen by the tasks the drivers start
        try:
            for nested in apps:
                await self._start_one(nested, shared)
        finally:
            _TREE.reset(token)

    async def _start_one(self, nested: NestedApp, shared: Mapping[str, Any]) -> None:
        key = nested.app if nested.key is None else nested.key
        entry = self._tree.get(id(key))
        if entry is not None:
            if entry[1] is not None:
                entry[1].hold(nested)
            return
        self._tree[id(key)] = (key, None)
        driver = LifespanDriver(nested.app, dict(shared), optional=True)
        try:
            started = await driver.startup()
        except BaseException as exc:
            if not isinstance(exc, asyncio.CancelledError):
                exc.add_note(f"(raised by the lifespan startup of {nested.label})")
            await self._undo(exc)
            raise
        if not started:
            logger.debug("%s: no lifespan (%s)", nested.label, _why_skipped(driver))
            return
        run = _Run(driver, _shown(driver.state))
        self._tree[id(key)] = (key, run)
        self._started.append(run)
        run.hold(nested)

    async def _undo(self, error: BaseException) -> None:
        """After a failed (or cancelled) startup: stop the apps already started, in reverse."""
        if isinstance(error, asyncio.CancelledError):
            await self.cancel()
            return
        for failure in await self.stop():
            logger.error("While a failed startup was undone", exc_info=failure)

    async def stop(self) -> list[BaseException]:
        """Shut the started apps down in reverse order; what failed, each noted with its holder.

        Cancelled meanwhile: the apps not yet stopped are cancelled, then the cancellation goes on.
        """
        errors: list[BaseException] = []
        while self._started:
            run = self._started.pop()
            run.release()
            try:
                await run.driver.shutdown()
            except asyncio.CancelledError:
                await self.cancel()
                raise
            except BaseException as exc:
                exc.add_note(f"(raised by the lifespan shutdown of {run.holders[0].label})")
                errors.append(exc)
        return errors

    async def cancel(self) -> None:
        """Cancel the started apps' lifespans (the server went away), in reverse, and wait."""
        while self._started:
            run = self._started.pop()
            run.release()
            await run.driver.aclose()


# What every runner puts in its state itself (its task group, the shutdown signal it shares): a
# mounted app whose state holds nothing else yielded nothing, and its mount leaves the request
# state alone.
_RUNNER_KEYS = frozenset({TASKS_STATE_KEY, SHUTDOWN_STATE_KEY})


def _shown(state: dict[str, Any]) -> dict[str, Any] | None:
    """The state requests under the holder see, or None if it holds only the runner's own."""
    return state if state.keys() - _RUNNER_KEYS else None


def _why_skipped(driver: LifespanDriver) -> str:
    error = driver.skipped
    if error is not None:
        return f"it raised {type(error).__name__}: {error}"
    return "it did not answer lifespan.startup"


__all__ = ["NestedApp", "NestedLifespans"]
