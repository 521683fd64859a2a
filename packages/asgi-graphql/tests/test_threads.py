from __future__ import annotations

import threading
from functools import partial
from typing import Any

from graphene.types.resolver import dict_or_attr_resolver
from graphql import default_field_resolver

from asgi_graphql import ThreadedResolverMiddleware
from asgi_graphql._threads import runs_inline


def sync_resolver(root: Any, info: Any) -> str:
    return "x"


async def async_resolver(root: Any, info: Any) -> str:
    return "x"


async def async_gen(root: Any, info: Any) -> Any:
    yield 1


def test_runs_inline() -> None:
    assert runs_inline(default_field_resolver)
    assert runs_inline(partial(dict_or_attr_resolver, "name", None))
    assert runs_inline(partial(partial(dict_or_attr_resolver, "name"), None))
    assert runs_inline(async_resolver)
    assert runs_inline(async_gen)
    assert not runs_inline(sync_resolver)
    assert not runs_inline(partial(sync_resolver, 1))


async def test_middleware_threads_sync_and_caches() -> None:
    middleware = ThreadedResolverMiddleware()
    seen: list[bool] = []

    def blocking(root: Any, info: Any, **args: Any) -> Any:
        seen.append(threading.current_thread() is threading.main_thread())
        return (root, args)

    outcome = middleware.resolve(blocking, "root", None, a=1, func=2)
    assert await outcome == ("root", {"a": 1, "func": 2})
    assert await middleware.resolve(blocking, "r2", None) == ("r2", {})
    assert seen == [False, False]
    assert middleware.resolve(default_field_resolver, {"f": 1}, _Info("f")) == 1


class _Info:
    def __init__(self, field_name: str) -> None:
        self.field_name = field_name
