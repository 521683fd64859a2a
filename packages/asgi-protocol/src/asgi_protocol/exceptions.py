"""The exceptions an app raises to answer with an HTTP status or close a WebSocket."""

from __future__ import annotations

import http
import json
from collections.abc import Mapping
from typing import Any, Protocol

from asgi_protocol.types import Receive, Scope, Send


class HTTPException(Exception):
    """Raise to answer the request with `status_code`; `detail` defaults to the reason phrase."""

    def __init__(
        self,
        status_code: int,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if detail is None:
            try:
                detail = http.HTTPStatus(status_code).phrase
            except ValueError:
                detail = ""
        self.status_code = status_code
        self.detail = detail
        self.headers = headers
        super().__init__(status_code, detail)

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, detail={self.detail!r})"


class InvalidHost(HTTPException):
    """The request names no host to build an absolute URL on: answered 400.

    Neither its Host header (absent, or malformed and so ignored) nor the server's address
    (none, or a unix socket's path) names one; see asgi_protocol.hosts. `url_for` raises it
    rather than answer `http:///path`.
    """

    def __init__(self) -> None:
        super().__init__(400, "Invalid host header")


class WebSocketException(Exception):
    """Raise inside a WebSocket endpoint to close the connection with `code` and `reason`."""

    def __init__(self, code: int, reason: str | None = None) -> None:
        self.code = code
        self.reason = reason or ""
        super().__init__(code, self.reason)

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, reason={self.reason!r})"


class WebSocketDisconnect(Exception):
    """The peer closed the WebSocket (or a handshake was denied); carries the close code.

    It lives here, below every package, so that the WebSocket class and the test client raise
    one and the same type.
    """

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        self.code = code
        self.reason = reason or ""
        super().__init__(code, self.reason)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, reason={self.reason!r})"


class ClientDisconnect(Exception):
    """The client went away while a request body was read or a response was sent.

    It lives here, below every package, so that requests (reading) and responses (sending)
    raise one and the same type.
    """


# An exception middleware puts here the app it answers for (scope["app"], or None).
HANDLER_SCOPE_KEY = "asgi_toolkit.exception_handler"


def handled_above(scope: Any) -> bool:
    """Whether the current app's exception middleware will answer a raised HTTPException.

    A router of ours mounted in another framework (whose app is then `scope["app"]`) answers
    its own 404s and 413s instead: that framework's handlers don't know our exception class.
    """
    return HANDLER_SCOPE_KEY in scope and scope[HANDLER_SCOPE_KEY] is scope.get("app")


# ...and here the object that answers exceptions with that app's handlers (an ExceptionAnswerer).
ANSWERER_SCOPE_KEY = "asgi_toolkit.exception_answerer"


class ExceptionAnswerer(Protocol):
    """What an exception middleware leaves in the scope so that endpoints answer in place.

    An endpoint that raises hands the exception over with its own Request or WebSocket: the
    handler sees the connection the endpoint used (a body already read stays readable), and the
    answer passes through every middleware between the router and the endpoint.
    """

    async def answer(
        self, exc: Exception, connection: Any, scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Answer `exc` through `send` with its handler; False when no handler takes it."""
        ...  # pragma: no cover


class StateNotSet(AttributeError):
    """`state.name` read before anything set it; says whether a lifespan has run yet.

    An AttributeError, so `hasattr(state, "name")` and `getattr(state, "name", default)` keep
    working; the message adds the likely fix. Reading lifespan state from a TestClient used
    without `with` is the usual cause: no lifespan runs then.
    """

    def __init__(self, owner: str, name: str, *, lifespan_ran: bool) -> None:
        message = f"{owner!r} object has no attribute {name!r}: nothing has set it"
        if lifespan_ran:
            message += (
                f". Set it before it is read, or read it with getattr(state, {name!r}, default)"
            )
        else:
            message += (
                ", and no lifespan has run yet. If your lifespan sets it, the lifespan must run "
                "first: in tests, use `with TestClient(app) as client:` (a TestClient used "
                "without `with` runs no lifespan)"
            )
        super().__init__(message, name=name)


class ToolkitDeprecationWarning(UserWarning):
    """Warns of a feature kept for compatibility that will go.

    A UserWarning rather than a DeprecationWarning: Python hides the latter outside `__main__`,
    and a warning nobody sees deprecates nothing.
    """


class EnvironError(Exception):
    """A key of the environment was changed after the configuration had read it."""


class InvalidJSON(json.JSONDecodeError):
    """Text a client sent that is not JSON we accept; `reason` says why in a few words.

    A json.JSONDecodeError (so a ValueError): code written for json.loads still catches it.
    """

    def __init__(self, reason: str, doc: str = "", pos: int = 0) -> None:
        super().__init__(reason, doc, pos)
        self.reason = reason
        if not doc:
            # Nothing to point into (the text never decoded, or the whole of it is at fault):
            # the message is the reason, not a made-up "line 1 column 1".
            self.args = (reason,)


__all__ = [
    "ANSWERER_SCOPE_KEY",
    "HANDLER_SCOPE_KEY",
    "ClientDisconnect",
    "EnvironError",
    "ExceptionAnswerer",
    "HTTPException",
    "InvalidHost",
    "InvalidJSON",
    "StateNotSet",
    "ToolkitDeprecationWarning",
    "WebSocketDisconnect",
    "WebSocketException",
    "handled_above",
]
