"""RequestBodyLimitMiddleware: cap the bytes of a request body, 413 past the cap.

Pure ASGI, so it goes in front of any app. The limit in force is in the scope under
MAX_BODY_SIZE_SCOPE_KEY while the app runs (restored afterwards). Limits don't stack: the
outermost counts the bytes once (asgi_requests.BodyLimiter, shared with the `max_body_size` of
our Router, Mount and Route), and one further in replaces its limit from there on, so the
innermost setting wins.

A declared Content-Length over the limit is refused without reading the body: at the app's
first receive, or in place of its response if it never reads (the app runs on, unaware; what it
sends goes nowhere). One that isn't a number is ignored: the bytes are counted as they arrive.
"""

from __future__ import annotations

from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import MAX_BODY_SIZE_SCOPE_KEY, BodyLimiter, BodyTooLarge
from asgi_responses import PlainTextResponse


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
            limiter = BodyLimiter.active(scope)
            if limiter is not None:  # an outer limit counts already: this one takes over
                limiter.limit = self.max_body_size
                if limiter.received > limiter.limit:  # read by an outer layer already
                    raise BodyTooLarge(limiter.limit)
                await self.app(scope, receive, send)
            else:
                await _Guard(BodyLimiter(receive, self.max_body_size, scope), scope, send).run(
                    self.app
                )
        finally:
            if missing:
                scope.pop(MAX_BODY_SIZE_SCOPE_KEY, None)
            else:
                scope[MAX_BODY_SIZE_SCOPE_KEY] = previous


class _Guard:
    """The outermost limit's watch over one request: its receive counts, its answers."""

    __slots__ = ("limiter", "raw_send", "replaced", "scope", "started")

    def __init__(self, limiter: BodyLimiter, scope: Scope, send: Send) -> None:
        self.limiter = limiter
        self.scope = scope
        self.raw_send = send
        self.started = False
        self.replaced = False  # our 413 went out instead of the app's response

    async def run(self, app: ASGIApp) -> None:
        self.limiter.install(self.scope)
        try:
            await app(self.scope, self.limiter.receive, self.send)
        except BodyTooLarge as exc:
            if self.started:
                raise  # too late for a 413: the server logs it and drops the connection
            await self.refuse(exc)
        finally:
            BodyLimiter.uninstall(self.scope)

    async def refuse(self, exc: BodyTooLarge) -> None:
        response = PlainTextResponse(exc.detail, status_code=413)
        await response(self.scope, self.limiter.raw_receive, self.raw_send)

    async def send(self, message: Message) -> None:
        if self.replaced:
            return  # the rest of the app's response, which the client won't get
        if message["type"] == "http.response.start":
            if self.limiter.exceeded():  # the app answered without reading the body
                self.replaced = True
                await self.refuse(BodyTooLarge(self.limiter.limit))
                return
            self.started = True
        await self.raw_send(message)


__all__ = ["MAX_BODY_SIZE_SCOPE_KEY", "RequestBodyLimitMiddleware"]
