"""RequestIdMiddleware: one id per request, to find its log lines, its answer and its error.

The id comes from the request's `X-Request-ID` header (a proxy or a calling service set it)
when that is trusted and plain: 1 to `max_length` characters of `A-Z a-z 0-9 . _ -`, so it
can't forge a log line, break a header or flood a log. Otherwise, or without one, it is new
(32 random hex digits). While the app runs the id is in a contextvar
(`current_request_id()`, and `RequestIdFilter` puts it on log records) and in the scope under
REQUEST_ID_SCOPE_KEY, which outlives the call: a ServerErrorMiddleware outside this one
shows it on its debug page. Every HTTP answer and WebSocket accept carries it back in the same
header, unless the app set that header itself.

When the app raises, the contextvar is left set: the exception goes on to the server, whose
log line of its traceback then carries the id too. A request that ends normally resets it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from contextvars import ContextVar

from asgi_middleware._header_names import header_name_bytes
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send

# Where the id of the request is, for those who see the scope but not the contextvar: the
# error layer outside this middleware (the contextvar was reset, or never seen, out there).
REQUEST_ID_SCOPE_KEY = "asgi_toolkit.request_id"
DEFAULT_MAX_LENGTH = 128
NO_REQUEST_ID = "-"  # what RequestIdFilter writes outside a request

_request_id: ContextVar[str | None] = ContextVar("asgi_toolkit.request_id", default=None)
# The messages that open an answer, and so carry its headers.
_ANSWER_STARTS = frozenset(
    {"http.response.start", "websocket.accept", "websocket.http.response.start"}
)


def current_request_id() -> str | None:
    """The id of the request being served, None outside one."""
    return _request_id.get()


def new_request_id() -> str:
    """A fresh id: 32 hex digits of 128 random bits (what a uuid4 holds, at a fifth of the cost
    of making one: 0.75 µs instead of 3.6)."""
    return os.urandom(16).hex()


class RequestIdFilter(logging.Filter):
    """Sets `record.request_id` to the current request's id (`-` outside a request), so a log
    format can say `%(request_id)s`. An id passed as `extra={"request_id": ...}` is kept.

    Put it on a handler, so the records of every logger that handler writes get it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or NO_REQUEST_ID
        return True


class RequestIdMiddleware:
    """`trust_incoming=False` ignores the header: every id is new (ids a client can't choose).

    `generate` makes the new ids (a custom one must follow the same rule: a ValueError when
    one doesn't, rather than a broken header).
    """

    def __init__(
        self,
        app: ASGIApp,
        header_name: str = "X-Request-ID",
        trust_incoming: bool = True,
        max_length: int = DEFAULT_MAX_LENGTH,
        generate: Callable[[], str] | None = None,
    ) -> None:
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise ValueError(f"max_length must be a positive int, not {max_length!r}")
        self.app = app
        self.header = header_name_bytes(header_name)
        self.trust_incoming = trust_incoming
        self.max_length = max_length
        self._plain = re.compile(rb"[A-Za-z0-9._-]{1,%d}" % max_length)
        self._generate = new_request_id if generate is None else self._checked(generate)

    def _checked(self, generate: Callable[[], str]) -> Callable[[], str]:
        def checked() -> str:
            value = generate()
            if not isinstance(value, str) or self._plain.fullmatch(value.encode()) is None:
                raise ValueError(
                    f"generate() returned {value!r}: a request id is 1 to {self.max_length} "
                    "characters of A-Z, a-z, 0-9, '.', '_' and '-'"
                )
            return value

        return checked

    def incoming(self, scope: Scope) -> str | None:
        """The id the request brought (its first such header), if trusted and plain."""
        if self.trust_incoming:
            for name, value in scope["headers"]:
                if name == self.header:
                    return value.decode("ascii") if self._plain.fullmatch(value) else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = self.incoming(scope) or self._generate()
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        echo = (self.header, request_id.encode("ascii"))
        header = self.header

        async def send_with_id(message: Message) -> None:
            if message["type"] in _ANSWER_STARTS:
                headers = message.get("headers") or ()
                for name, _ in headers:  # a loop, not any(): no generator per answer
                    if name.lower() == header:
                        break
                else:
                    # A new message and list: the app's (a Response's precomputed headers,
                    # say) are never changed.
                    message = {**message, "headers": [*headers, echo]}
            await send(message)

        token = _request_id.set(request_id)
        await self.app(scope, receive, send_with_id)
        _request_id.reset(token)  # not when the app raised: the server's log of it needs the id


__all__ = [
    "NO_REQUEST_ID",
    "REQUEST_ID_SCOPE_KEY",
    "RequestIdFilter",
    "RequestIdMiddleware",
    "current_request_id",
    "new_request_id",
]
