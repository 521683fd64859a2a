"""Middleware: the declarative spec an App turns into a stack once, at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Middleware:
    """`Middleware(CORSMiddleware, allow_origins=["*"])`; iterates as (cls, args, kwargs)."""

    __slots__ = ("args", "cls", "kwargs")

    def __init__(self, cls: Any, *args: Any, **kwargs: Any) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs

    def __iter__(self) -> Iterator[Any]:
        return iter((self.cls, self.args, self.kwargs))

    def __repr__(self) -> str:
        name = getattr(self.cls, "__name__", repr(self.cls))
        options = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{type(self).__name__}({', '.join([name, *options])})"
