"""ExceptionMiddleware: turn exceptions from the app into responses, by class or status code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from asgi_protocol.concurrency import is_async_callable, run_in_threadpool
from asgi_protocol.exceptions import (
    ANSWERER_SCOPE_KEY,
    HANDLER_SCOPE_KEY,
    HTTPException,
    WebSocketException,
)
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import NotAResponse, Response
from asgi_responses._shared import http_exception_response as default_http_exception_response
from asgi_websockets import WebSocket

Handler = Callable[[Any, Exception], Any]


async def call_handler(handler: Handler, connection: Any, exc: Exception) -> Any:
    if is_async_callable(handler):
        return await handler(connection, exc)
    return await run_in_threadpool(handler, connection, exc)


class ResponseStarted:
    """Wraps `send` to note whether the answer began (then no handler may answer).

    Pass `tracker.send` on, a bound method: calling it is cheaper than an object's __call__.
    """

    __slots__ = ("_send", "started")

    def __init__(self, send: Any) -> None:
        self._send = send
        self.started = False

    def send(self, message: Any) -> Awaitable[None]:
        # Any first message (start, or websocket accept/close) means the answer has begun.
        # A plain method handing back the inner send's awaitable: no coroutine of our own per
        # message, and the caller's `await` is the same.
        self.started = True
        return self._send(message)  # type: ignore[no-any-return]


async def http_exception_response(request: Request, exc: Exception) -> Response:
    """The default handler of an HTTPException: its detail as text, its status and headers."""
    assert isinstance(exc, HTTPException)
    return default_http_exception_response(exc)


async def websocket_exception_close(websocket: WebSocket, exc: Exception) -> None:
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
            await self.serve_http(scope, receive, ResponseStarted(send))
        elif scope["type"] == "websocket":
            # A handler may still close an accepted WebSocket: there is no "too late" here.
            self.mark(scope)
            try:
                await self.app(scope, receive, send)
            except Exception as exc:
                await self.handle(exc, scope, receive, send, False)
        else:
            await self.app(scope, receive, send)

    async def serve_http(self, scope: Scope, receive: Receive, tracker: ResponseStarted) -> None:
        """An HTTP request, sent through `tracker`, which tells whether the answer began.

        ServerErrorMiddleware, when it sits right outside, calls this with its own tracker:
        one send wrapper per message instead of two (bench/inprocess.py, plaintext).
        """
        scope[HANDLER_SCOPE_KEY] = scope.get("app")  # mark(scope), inline: no call per request
        scope[ANSWERER_SCOPE_KEY] = self
        try:
            await self.app(scope, receive, tracker.send)
        except Exception as exc:
            await self.handle(exc, scope, receive, tracker.send, tracker.started)

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
        if response is not None:  # None: the handler answered itself (or closed a WebSocket)
            if NotAResponse.explains(response):
                name = getattr(handler, "__name__", repr(handler))
                raise NotAResponse(f"Exception handler {name!r} ({type(exc).__name__})", response)
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
        http = scope["type"] == "http"
        connection = Request(scope, receive, send) if http else WebSocket(scope, receive, send)
        await self.answer(exc, connection, scope, receive, send)


__all__ = ["ExceptionMiddleware", "http_exception_response", "websocket_exception_close"]
