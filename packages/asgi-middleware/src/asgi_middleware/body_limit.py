"""RequestBodyLimitMiddleware: cap the bytes of a request body, 413 past the cap.

Pure ASGI, so it goes in front of any app. The limit in force is in the scope under
MAX_BODY_SIZE_SCOPE_KEY while the app runs (restored afterwards). Nested limiters don't stack:
the outermost counts the bytes once, and an inner one (say, for an upload endpoint) replaces its
limit from there on, so the innermost setting wins, even over a shallow copy of the scope.

A declared Content-Length over the limit is refused without reading the body: at the app's
first receive, or in place of its response if it never reads (the app runs on, unaware; what it
sends goes nowhere). One that isn't a number is
ignored: the bytes are counted as they arrive either way.
"""

from __future__ import annotations

from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import BodyTooLarge
from asgi_responses import PlainTextResponse

MAX_BODY_SIZE_SCOPE_KEY = "asgi_toolkit.max_body_size"
# The outermost limiter of this request: what nested ones update.
_ACTIVE_SCOPE_KEY = "asgi_toolkit.body_limiter"


class RequestBodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
            raise TypeError(f"max_body_size must be an int, not {max_body_size!r}")
        if max_body_size < 0:
            raise ValueError(f"max_body_size must not be negative, got {max_body_size}")
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        missing = MAX_BODY_SIZE_SCOPE_KEY not in scope
        previous = scope.get(MAX_BODY_SIZE_SCOPE_KEY)
        scope[MAX_BODY_SIZE_SCOPE_KEY] = self.max_body_size
        try:
            active = scope.get(_ACTIVE_SCOPE_KEY)
            if isinstance(active, _Limiter):
                active.limit = self.max_body_size
                if active.received > active.limit:  # read by an outer layer already
                    raise BodyTooLarge(active.limit)
                await self.app(scope, receive, send)
            else:
                await _Limiter(self.max_body_size, scope, receive, send).run(self.app)
        finally:
            if missing:
                scope.pop(MAX_BODY_SIZE_SCOPE_KEY, None)
            else:
                scope[MAX_BODY_SIZE_SCOPE_KEY] = previous


class _Limiter:
    """One request's count of body bytes against the limit in force."""

    __slots__ = (
        "content_length",
        "limit",
        "raw_receive",
        "raw_send",
        "received",
        "replaced",
        "scope",
        "started",
    )

    def __init__(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        self.limit = limit
        self.scope = scope
        self.raw_receive = receive
        self.raw_send = send
        self.received = 0
        self.started = False
        self.replaced = False  # our 413 went out instead of the app's response
        self.content_length: int | None = None
        for key, value in scope["headers"]:
            if key == b"content-length":
                if value.isdigit():
                    self.content_length = int(value)
                break

    def declared_too_large(self) -> bool:
        return self.content_length is not None and self.content_length > self.limit

    async def run(self, app: ASGIApp) -> None:
        self.scope[_ACTIVE_SCOPE_KEY] = self
        try:
            await app(self.scope, self.receive, self.send)
        except BodyTooLarge as exc:
            if self.started:
                raise  # too late for a 413: the server logs it and drops the connection
            await self.refuse(exc)
        finally:
            self.scope.pop(_ACTIVE_SCOPE_KEY, None)

    async def refuse(self, exc: BodyTooLarge) -> None:
        response = PlainTextResponse(exc.detail, status_code=413)
        await response(self.scope, self.raw_receive, self.raw_send)

    async def receive(self) -> Message:
        if self.declared_too_large():
            raise BodyTooLarge(self.limit)
        message = await self.raw_receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
        return message

    async def send(self, message: Message) -> None:
        if self.replaced:
            return  # the rest of the app's response, which the client won't get
        if message["type"] == "http.response.start":
            if self.declared_too_large():  # the app answered without reading the body
                self.replaced = True
                await self.refuse(BodyTooLarge(self.limit))
                return
            self.started = True
        await self.raw_send(message)


__all__ = ["MAX_BODY_SIZE_SCOPE_KEY", "RequestBodyLimitMiddleware"]
