"""Run blocking (sync) resolvers in the threadpool so they never stall the event loop.

graphql-core calls a sync resolver inline on the loop. `ThreadedResolverMiddleware` sits
innermost in the middleware chain, so the `next_` it receives is the field's own resolver, and:

- default resolvers (attribute / dict lookups of graphql-core and graphene) and async resolvers
  run inline, as before: they don't block, and a thread hop per field would cost more than it
  saves;
- any other sync resolver runs through `asgi_protocol.concurrency.run_in_threadpool` (which
  keeps contextvars); if it returns an awaitable, that is awaited back on the loop.

The choice is made once per resolver and cached (hot path: one dict lookup per field).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from graphene.types.resolver import attr_resolver, dict_or_attr_resolver, dict_resolver
from graphene.types.schema import identity_resolve
from graphql import default_field_resolver

from asgi_protocol.concurrency import run_in_threadpool

_INLINE_DEFAULTS: frozenset[Callable[..., Any]] = frozenset(
    (default_field_resolver, attr_resolver, dict_resolver, dict_or_attr_resolver, identity_resolve)
)


def runs_inline(resolver: Callable[..., Any]) -> bool:
    """True for resolvers that don't block: the built-in defaults and async functions."""
    target = resolver
    while isinstance(target, partial):
        target = target.func
    if target in _INLINE_DEFAULTS:
        return True
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


async def _in_thread(next_: Callable[..., Any], root: Any, info: Any, args: dict[str, Any]) -> Any:
    # Bound with partial, not passed as **kwargs: a GraphQL argument may be named "func".
    result = await run_in_threadpool(partial(next_, root, info, **args))
    if inspect.isawaitable(result):
        result = await result
    return result


class ThreadedResolverMiddleware:
    """graphql-core middleware: sync resolvers run in the threadpool, the rest inline."""

    def __init__(self) -> None:
        self._inline: dict[Callable[..., Any], bool] = {}

    def resolve(self, next_: Callable[..., Any], root: Any, info: Any, **args: Any) -> Any:
        inline = self._inline.get(next_)
        if inline is None:
            inline = self._inline[next_] = runs_inline(next_)
        if inline:
            return next_(root, info, **args)
        return _in_thread(next_, root, info, args)


__all__ = ["ThreadedResolverMiddleware", "runs_inline"]
