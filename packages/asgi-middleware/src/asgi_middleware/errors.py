"""ServerErrorMiddleware: the outermost net that turns any exception into a 500."""

from __future__ import annotations

import logging
from typing import Any

from asgi_middleware._debug_page import debug_html, debug_text
from asgi_middleware._debug_request import request_details
from asgi_middleware._redact import Redactor
from asgi_middleware.exception_handlers import (
    ExceptionMiddleware,
    Handler,
    ResponseStarted,
    call_handler,
)
from asgi_protocol.exceptions import ClientDisconnect
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import HTMLResponse, PlainTextResponse, Response

logger = logging.getLogger(__name__)


class ServerErrorMiddleware:
    """Answers 500 when the app raised before responding, then re-raises for the server's log.

    With debug=True the answer is a traceback page (HTML for browsers, text otherwise);
    without it, `handler(request, exc)` if one was given, else a plain "Internal Server Error".
    The handler is called even once the answer has begun; what it returns is then dropped.
    A client that went away (ClientDisconnect) is no server error: nothing is sent, no handler
    is called, and one DEBUG line is logged, with no traceback.
    """

    def __init__(self, app: ASGIApp, handler: Handler | None = None, debug: bool = False) -> None:
        self.app = app
        self.handler = handler
        self.debug = debug
        # With the ExceptionMiddleware right below us (the App's stack without user middleware),
        # both layers run in this one call: one coroutine less per request (bench: plaintext).
        self._exceptions = app if type(app) is ExceptionMiddleware else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracker = ResponseStarted(send)
        inner = self._exceptions
        try:
            if inner is None:
                await self.app(scope, receive, tracker.send)
            else:  # the exception layer right inside: it shares our tracker
                await inner.serve_http(scope, receive, tracker)
        except ClientDisconnect:
            client = scope.get("client")
            logger.debug(
                "client %s disconnected: %s %r",
                f"{client[0]}:{client[1]}" if client else "unknown",
                scope.get("method"),
                scope.get("path"),
            )
        except Exception as exc:
            request = Request(scope, receive)
            response: Any = None
            if self.handler is not None and not self.debug:
                # Called even when the answer already began (say, a background task failed
                # after it): a handler that reports errors must hear of every one.
                response = await call_handler(self.handler, request, exc)
            elif not tracker.started:
                response = (self.debug_response if self.debug else self.error_response)(
                    request, exc
                )
            if response is not None and not tracker.started:
                await response(scope, receive, send)
            raise  # the server logs it; the client already has its 500

    def debug_response(self, request: Request, exc: Exception) -> Response:
        # One Redactor for the page: the request's credentials (headers, query, cookies, form
        # fields) and those in the frames' locals are hidden wherever they would show.
        redactor = Redactor()
        details = request_details(request, redactor)
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(debug_html(exc, details, redactor), status_code=500)
        return PlainTextResponse(debug_text(exc, details.heading, redactor), status_code=500)

    def error_response(self, request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Internal Server Error", status_code=500)


__all__ = ["ServerErrorMiddleware"]
