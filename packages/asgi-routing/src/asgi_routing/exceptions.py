"""Public exceptions of the routing package."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class NoMatchFound(Exception):
    """`url_path_for` found no route with this name and these parameters.

    When a route of that name exists, the message also lists the parameters that were missing
    or not expected, which is usually the actual mistake.
    """

    def __init__(
        self,
        name: str,
        path_params: Mapping[str, Any],
        *,
        missing: Iterable[str] = (),
        extra: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.path_params = dict(path_params)
        self.missing = sorted(missing)
        self.extra = sorted(extra)
        params = ", ".join(sorted(self.path_params))
        # Starlette's wording and quoting, which code and tests match on.
        message = f'No route exists for name "{name}" and params "{params}".'
        if self.missing:
            message += f" Missing params: {', '.join(self.missing)}."
        if self.extra:
            message += f" Unexpected params: {', '.join(self.extra)}."
        super().__init__(message)

    @property
    def name_found(self) -> bool:
        """A route with this name exists (only the parameters were wrong)."""
        return bool(self.missing or self.extra)


class PathParamError(ValueError, AssertionError):
    """A value its convertor cannot write into a url (a "/" in a `str` param, a negative int).

    Also an AssertionError, because that is what Starlette's convertors raise: code written
    against them keeps catching it.
    """


class InvalidEndpoint(TypeError):
    """A route's endpoint that no request could be served by, with the form that would do.

    A class that is neither an HTTPEndpoint (WebSocketEndpoint) nor awaitable, something not
    callable, or a WebSocket endpoint that returns no awaitable (a plain `def`). Raised when
    the route is made where the endpoint shows it, else on the first connection.
    """

    def __init__(self, endpoint: Any, message: str) -> None:
        self.endpoint = endpoint
        super().__init__(message)


class InvalidMethods(TypeError):
    """`methods=` that is not a collection of verbs: `methods="GET"` reads as G, E and T."""

    def __init__(self, methods: Any) -> None:
        self.methods = methods
        example = [methods.upper()] if isinstance(methods, str) else ["GET", "POST"]
        super().__init__(
            f"methods must be a list of HTTP verbs, such as methods={example!r}, not {methods!r}"
        )


class InvalidMiddleware(TypeError):
    """A `middleware=[...]` entry that is not a `Middleware(...)` spec (say, the bare class).

    Raised when the list is given, not at the first request. A TypeError, as unpacking a class
    raised before.
    """

    def __init__(self, entry: Any) -> None:
        self.entry = entry
        if isinstance(entry, type):
            name = entry.__name__
            message = (
                f"middleware=[{name}] lists the class itself: wrap it with its options, as "
                f"Middleware({name}, ...) (from asgi_toolkit.middleware import Middleware)"
            )
        else:
            message = (
                f"middleware=[...] holds {_shown(entry)}, not a Middleware(...) spec: list each "
                "one as Middleware(SomeMiddleware, ...its options) "
                "(from asgi_toolkit.middleware import Middleware)"
            )
        super().__init__(message)


def _shown(entry: Any) -> str:
    """A short account of a wrong entry: a built middleware shows its class, a tuple its size."""
    if isinstance(entry, tuple):
        return f"a tuple of {len(entry)} ({', '.join(map(repr, entry))[:80]})"
    if callable(entry):
        return f"a {type(entry).__name__} already built (give the class, not an instance)"
    return repr(entry)[:80]


class UnsupportedData(RuntimeError):
    """A message did not decode as the endpoint's `encoding` says.

    The connection is closed with 1003 first; a RuntimeError, as Starlette raises there.
    """


__all__ = [
    "InvalidEndpoint",
    "InvalidMethods",
    "InvalidMiddleware",
    "NoMatchFound",
    "PathParamError",
    "UnsupportedData",
]
