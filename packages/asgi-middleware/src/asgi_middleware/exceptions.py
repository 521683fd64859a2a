"""ExceptionMiddleware: turn exceptions from the app into responses, by class or status code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asgi_middleware._handlers import Handler, ResponseStarted, call_handler
from asgi_protocol.exceptions import (
    ANSWERER_SCOPE_KEY,
    HANDLER_SCOPE_KEY,
    HTTPException,
    WebSocketException,
)
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
    It also leaves itself in the scope (an ExceptionAnswerer): function endpoints hand it what
    they raise, with their own Request or WebSocket, and the answer goes out where the
    exception was raised, inside any route or mount middleware (as in Starlette). What is
    raised elsewhere (a 405, a class endpoint, a middleware below) is answered here.
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
        if scope["type"] == "http":
            # Hot path: reuse the tracker ServerErrorMiddleware put around send, when nothing
            # sits between us; one wrapper less per message (bench/inprocess.py, plaintext).
            tracker = ResponseStarted.around(send)
            scope[HANDLER_SCOPE_KEY] = scope.get("app")  # mark(), inline: no call per request
            scope[ANSWERER_SCOPE_KEY] = self
            try:
                await self.app(scope, receive, tracker.send)
            except Exception as exc:
                await self.handle(exc, scope, receive, send, tracker.started)
        elif scope["type"] == "websocket":
            # A handler may still close an accepted WebSocket: there is no "too late" here.
            self.mark(scope)
            try:
                await self.app(scope, receive, send)
            except Exception as exc:
                await self.handle(exc, scope, receive, send, False)
        else:
            await self.app(scope, receive, send)

    def mark(self, scope: Scope) -> None:
        """Tell the routers and endpoints below that this middleware answers for the app."""
        scope[HANDLER_SCOPE_KEY] = scope.get("app")
        scope[ANSWERER_SCOPE_KEY] = self

    async def answer(
        self, exc: Exception, connection: Any, scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Answer `exc` with its handler through `send`; False when no handler takes it.

        The exception's traceback is dropped once answered: an instance raised again and again
        (a module-level HTTPException) would otherwise keep every request's frames alive.
        """
        handler = self._lookup(exc)
        if handler is None:
            return False
        response = await call_handler(handler, connection, exc)
        if response is not None:
            await response(scope, receive, send)
        exc.__traceback__ = None
        return True

    async def handle(
        self, exc: Exception, scope: Scope, receive: Receive, send: Send, started: bool
    ) -> None:
        """Answer `exc` with its handler, or re-raise it when there is none or it is too late."""
        if self._lookup(exc) is None:
            raise exc
        if started:
            raise RuntimeError("Caught handled exception, but response already started.") from exc
        connection: Any
        if scope["type"] == "http":
            connection = Request(scope, receive, send)
        else:
            connection = WebSocketConnection(scope, receive, send)
        await self.answer(exc, connection, scope, receive, send)
