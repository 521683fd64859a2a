"""ExceptionMiddleware: turn exceptions from the app into responses, by class or status code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asgi_middleware._handlers import Handler, ResponseStarted, call_handler
from asgi_protocol.exceptions import HANDLER_SCOPE_KEY, HTTPException, WebSocketException
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import HTTPConnection, Request
from asgi_responses import PlainTextResponse, Response

_NO_BODY = frozenset({204, 304})


async def http_exception_response(request: Request, exc: Exception) -> Response:
    """The default answer to an HTTPException: its detail as text, its status and headers."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in _NO_BODY:
        return Response(status_code=exc.status_code, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


class WebSocketConnection(HTTPConnection):
    """What a WebSocket exception handler receives: the connection, and a way to close it.

    (This package sits below asgi-websockets, so it hands out this small twin of WebSocket.)
    """

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        super().__init__(scope, receive)
        self._send = send

    async def send(self, message: Message) -> None:
        await self._send(message)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        await self._send({"type": "websocket.close", "code": code, "reason": reason or ""})


async def websocket_exception_close(websocket: WebSocketConnection, exc: Exception) -> None:
    """The default answer to a WebSocketException: close with its code and reason."""
    assert isinstance(exc, WebSocketException)
    await websocket.close(exc.code, exc.reason)


class ExceptionMiddleware:
    """Handlers by exception class (the most specific in the MRO wins) and by status code.

    Sits innermost, just outside the router, so handlers answer inside the user's middleware.
    The happy path costs one try block; the handler lookup happens only on an exception.
    """

    def __init__(
        self,
        app: ASGIApp,
        handlers: Mapping[Any, Handler] | None = None,
        debug: bool = False,
    ) -> None:
        self.app = app
        self.debug = debug
        self._status_handlers: dict[int, Handler] = {}
        self._exception_handlers: dict[type[BaseException], Handler] = {
            HTTPException: http_exception_response,
            WebSocketException: websocket_exception_close,
        }
        for key, handler in (handlers or {}).items():
            self.add_exception_handler(key, handler)

    def add_exception_handler(
        self, exc_class_or_status_code: int | type[Exception], handler: Handler
    ) -> None:
        if isinstance(exc_class_or_status_code, int):
            self._status_handlers[exc_class_or_status_code] = handler
        elif isinstance(exc_class_or_status_code, type) and issubclass(
            exc_class_or_status_code, Exception
        ):
            self._exception_handlers[exc_class_or_status_code] = handler
        else:
            raise TypeError(
                f"Exception handlers are keyed by an Exception subclass or a status code, "
                f"not {exc_class_or_status_code!r}"
            )

    def _lookup(self, exc: Exception) -> Handler | None:
        if isinstance(exc, HTTPException) and exc.status_code in self._status_handlers:
            return self._status_handlers[exc.status_code]
        for cls in type(exc).__mro__:
            if cls in self._exception_handlers:
                return self._exception_handlers[cls]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        # Hot path: reuse the tracker ServerErrorMiddleware put around send, when nothing sits
        # between us; one wrapper less per message (bench/inprocess.py, plaintext).
        tracker = ResponseStarted.around(send)
        scope[HANDLER_SCOPE_KEY] = scope.get("app")  # routers below may raise HTTPException
        try:
            await self.app(scope, receive, tracker.send)
        except Exception as exc:
            await self.handle(exc, scope, receive, send, tracker.started)

    async def handle(
        self, exc: Exception, scope: Scope, receive: Receive, send: Send, started: bool
    ) -> None:
        """Answer `exc` with its handler, or re-raise it when there is none or it is too late."""
        handler = self._lookup(exc)
        if handler is None:
            raise exc
        if started:
            raise RuntimeError("Caught handled exception, but response already started.") from exc
        if scope["type"] == "http":
            request = Request(scope, receive, send)
            response = await call_handler(handler, request, exc)
            if response is not None:
                await response(scope, receive, send)
        else:
            await call_handler(handler, WebSocketConnection(scope, receive, send), exc)
