"""Middleware: the declarative spec an App turns into a stack once, at start-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, ParamSpec, Protocol

P = ParamSpec("P")

# Looser than asgi_protocol.types.ASGIApp on purpose: a factory typed against any ASGI
# framework's own aliases (asgiref, Starlette, ...) still fits.
_AnyASGIApp = Callable[
    [Any, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]


class MiddlewareFactory(Protocol[P]):
    """What `Middleware` wraps: called as `factory(app, *args, **kwargs)`, returns an ASGI app.

    Generic in the factory's own parameters, so a type checker checks the options given to
    `Middleware(factory, ...)` against the factory's signature.
    """

    def __call__(self, app: _AnyASGIApp, /, *args: P.args, **kwargs: P.kwargs) -> _AnyASGIApp: ...


class Middleware:
    """`Middleware(CORSMiddleware, allow_origins=["*"])`; iterates as (cls, args, kwargs)."""

    __slots__ = ("args", "cls", "kwargs")

    def __init__(self, cls: MiddlewareFactory[P], *args: P.args, **kwargs: P.kwargs) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs

    def __iter__(self) -> Iterator[Any]:
        return iter((self.cls, self.args, self.kwargs))

    def __repr__(self) -> str:
        name = getattr(self.cls, "__name__", repr(self.cls))
        options = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{type(self).__name__}({', '.join([name, *options])})"
