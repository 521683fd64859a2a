"""Enforcing a body size limit while the body streams in, once per request however nested."""

from __future__ import annotations

from asgi_protocol.types import Message, Receive, Scope
from asgi_requests.exceptions import BodyTooLarge


def limit_receive(receive: Receive, max_body_size: int) -> Receive:
    """A receive that raises BodyTooLarge as soon as more than `max_body_size` bytes arrived.

    The check is made per message, before the app sees it, so an endless body costs at most one
    message over the limit, never the whole upload.
    """
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_body_size:
                raise BodyTooLarge(max_body_size)
        return message

    return limited


# The limit in force for the request body, for anyone to read (Starlette's contract: an int).
MAX_BODY_SIZE_SCOPE_KEY = "asgi_toolkit.max_body_size"
# The limiter counting this request's body, installed by the outermost limit.
_LIMITER_SCOPE_KEY = "asgi_toolkit.body_limiter"


class BodyLimiter:
    """One request's body bytes, counted once against the limit in force.

    The outermost body limit of a request (RequestBodyLimitMiddleware, or a Route or Mount with
    `max_body_size`) installs one in the scope and reads through `receive`; a limit further in
    finds it with `active` and replaces `limit` instead of counting again, so the innermost
    setting wins, and the bytes an outer layer already read count against it. The scope only
    holds a reference, so a shallow copy of the scope shares the limiter.
    """

    __slots__ = ("content_length", "limit", "raw_receive", "received")

    def __init__(self, receive: Receive, limit: int, scope: Scope) -> None:
        self.raw_receive = receive
        self.limit = limit
        self.received = 0
        # A Content-Length that isn't a plain number is no promise: the bytes are counted anyway.
        self.content_length: int | None = None
        for key, value in scope["headers"]:
            if key == b"content-length":
                if value.isdigit():
                    self.content_length = int(value)
                break

    @staticmethod
    def active(scope: Scope) -> BodyLimiter | None:
        limiter = scope.get(_LIMITER_SCOPE_KEY)
        return limiter if isinstance(limiter, BodyLimiter) else None

    def install(self, scope: Scope) -> None:
        scope[_LIMITER_SCOPE_KEY] = self

    @staticmethod
    def uninstall(scope: Scope) -> None:
        scope.pop(_LIMITER_SCOPE_KEY, None)

    def exceeded(self) -> bool:
        """Over the limit in force: by what was read, or by what the client declared."""
        declared = self.content_length is not None and self.content_length > self.limit
        return declared or self.received > self.limit

    async def receive(self) -> Message:
        if self.exceeded():
            raise BodyTooLarge(self.limit)
        message = await self.raw_receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
        return message
