"""Apply a `middleware=[...]` list to an app: the one place such a list is read.

Router, Route, WebSocketRoute, Mount and the toolkit's App all build their stacks here, once,
when they are made. An entry is a spec that iterates as `(factory, args, kwargs)`, as
asgi-middleware's `Middleware(CORSMiddleware, allow_origins=["*"])` does; anything else (the
bare class is the usual slip) is refused with InvalidMiddleware before a request arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from asgi_protocol.types import ASGIApp
from asgi_routing.exceptions import InvalidMiddleware

MiddlewareSpec = tuple[Callable[..., ASGIApp], Sequence[Any], Mapping[str, Any]]


def middleware_spec(entry: Any) -> MiddlewareSpec:
    """`(factory, args, kwargs)` of one list entry, or InvalidMiddleware saying how to write it."""
    try:
        factory, args, kwargs = entry
    except (TypeError, ValueError):  # not iterable, or not three things
        raise InvalidMiddleware(entry) from None
    if not callable(factory):
        raise InvalidMiddleware(entry)
    return factory, args, kwargs


def wrap_middleware(app: ASGIApp, middleware: Iterable[Any] | None) -> ASGIApp:
    """`app` inside every middleware of the list; the first listed is outermost."""
    if middleware is None:
        return app
    specs = [middleware_spec(entry) for entry in middleware]
    for factory, args, kwargs in reversed(specs):
        app = factory(app, *args, **kwargs)
    return app


__all__ = ["MiddlewareSpec", "middleware_spec", "wrap_middleware"]
